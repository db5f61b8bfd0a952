package io.distillery.deid;

import io.distillery.deid.ConfidentialityProfile.Decision;
import io.distillery.deid.ConfidentialityProfile.Row;
import io.distillery.deid.DeidResult.AppliedAction;
import io.distillery.dicom.Attributes;
import io.distillery.dicom.BulkData;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.ElementDictionary;
import io.distillery.dicom.Sequence;
import io.distillery.dicom.SopClasses;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies the PS3.15 Annex E Basic Application Level Confidentiality Profile ({@link ConfidentialityProfile}) and
 * its options to one instance. The input is never modified; the result holds a de-identified copy.
 *
 * <p>Rules where the standard leaves the choice to the implementer (these are what the tests check):
 * <ul>
 *   <li><b>Combined codes</b>: see {@link ConfidentialityProfile}.</li>
 *   <li><b>D (dummy)</b>: PN {@value #DUMMY_PN}; DA {@value #DUMMY_DA}; DT {@value #DUMMY_DT}; TM {@value #DUMMY_TM};
 *       AS {@value #DUMMY_AS}; DS/IS "0"; UR {@value #DUMMY_UR}; UI the keyed pseudonym of the original; other
 *       strings {@value #DUMMY_TEXT}; binary numbers one zero value; bulk values zero bytes of the original
 *       length (at least one value); sequences one empty item.</li>
 *   <li><b>Patient ID</b> becomes the keyed pseudonym {@code PSN-<base32>} ({@link Pseudonymizer#patientPseudonym});
 *       <b>Patient's Name</b> (Z in the table) gets the same pseudonym instead of an empty value, so that viewers
 *       and archives still group a patient's instances; it carries no more information than the Patient ID.</li>
 *   <li><b>C (clean)</b> without a vetted text cleaner never keeps the original: free text becomes
 *       {@value #CLEANED}; DS/IS "0"; dates and times the D dummy; UIDs are remapped; bulk values (overlay data,
 *       curve data, maker notes) are blanked to zero bytes of the same length, which keeps the module valid and
 *       removes every drawn mark; sequences are kept, their items de-identified by the table and every remaining
 *       free-text value replaced, except the coded-concept attributes (Code Value, Coding Scheme Designator,
 *       Code Meaning, ...), which name standard concepts and not people.</li>
 *   <li><b>C under Retain Longitudinal Modified Dates</b>: DA and DT values are shifted by a per-patient number of
 *       whole days (HMAC of the Patient ID, never zero, within ±maxDateShiftDays); TM and the timezone offset are
 *       kept (a whole-day shift does not change them); values that cannot be shifted (partial or malformed dates,
 *       signed timestamps) fall back to the basic profile action.</li>
 *   <li><b>Attributes not in the table</b> are kept (PS3.15 E.1), except UIDs: any UI value that is not a class,
 *       transfer-syntax or coding-scheme UID and not under the standard root is remapped like a U row, so that no
 *       instance UID of an attribute newer than the table survives.</li>
 *   <li><b>Private elements</b>: removed (row "(GGGG,EEEE) where GGGG is odd"), except, with Retain Safe Private,
 *       those in {@link SafePrivateAttributes}; a private creator stays only while an element of its block does.</li>
 *   <li><b>Overlays and curves</b> (even groups 6000-601E, 5000-501E): without Clean Graphics the Overlay Data
 *       and Curve Data rows say X, and the whole group is removed, since an overlay without its data is invalid;
 *       with Clean Graphics the group stays, blanked and cleaned as above.</li>
 *   <li><b>Burned-in annotation</b>: an instance with pixel data and Burned In Annotation YES, or without that
 *       attribute and of modality US, SC, OT or XA or a Secondary Capture SOP class, is quarantined (not
 *       de-identified) unless {@link DeidConfig#allowBurnedIn()}.</li>
 * </ul>
 * A DICOMDIR is refused with a {@link DicomException}: rewriting it would break its record offsets.
 * The result records Patient Identity Removed YES, De-identification Method, the CID 7050 codes of the profile
 * and the options applied, and Longitudinal Temporal Information Modified.
 */
public final class Deidentifier {
    public static final String CLEANED = "CLEANED";
    public static final String DUMMY_TEXT = "DEIDENTIFIED";
    public static final String DUMMY_PN = "ANONYMOUS";
    public static final String DUMMY_DA = "19000101";
    public static final String DUMMY_DT = "19000101000000";
    public static final String DUMMY_TM = "000000";
    public static final String DUMMY_AS = "000Y";
    public static final String DUMMY_UR = "urn:x-distillery:deidentified";
    public static final String METHOD = "DICOM PS3.15 E.1 Basic Application Confidentiality Profile";

    static final int LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED = 0x00280303;
    private static final int DIRECTORY_RECORD_SEQUENCE = 0x00041220;
    private static final String MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10";
    private static final Set<String> BURN_IN_MODALITIES = Set.of("US", "SC", "OT", "XA");
    private static final String SECONDARY_CAPTURE_ROOT = "1.2.840.10008.5.1.4.1.1.7";
    private static final Set<String> UID_KEYWORDS_KEPT = Set.of("CodingSchemeUID", "ContextGroupExtensionCreatorUID",
            "MappingResourceUID", "ContextUID", "TemplateExtensionOrganizationUID", "TemplateExtensionCreatorUID",
            "PrivateInformationCreatorUID", "ImplementationClassUID", "ReferencedTransferSyntaxUIDInFile");
    private static final Set<Integer> CODED_CONCEPT_TAGS = Set.of(Tag.CodeValue, Tag.CodingSchemeDesignator,
            Tag.CodeMeaning, 0x00080103 /* CodingSchemeVersion */, 0x00080119 /* LongCodeValue */,
            0x00080120 /* URNCodeValue */, 0x00080105 /* MappingResource */, 0x0008010F /* ContextIdentifier */,
            0x00080118 /* MappingResourceName */);

    private final ConfidentialityProfile profile;
    private final DeidConfig config;

    public Deidentifier(DeidConfig config) {
        this(ConfidentialityProfile.standard(), config);
    }

    public Deidentifier(ConfidentialityProfile profile, DeidConfig config) {
        this.profile = profile;
        this.config = config;
    }

    public DeidConfig config() {
        return config;
    }

    /**
     * De-identifies a copy of {@code dataset}; {@code fileMeta} (may be null) is copied with the Media Storage
     * SOP Instance UID remapped and the sender's AE titles dropped.
     */
    public DeidResult deidentify(Attributes dataset, Attributes fileMeta) {
        if (dataset.contains(DIRECTORY_RECORD_SEQUENCE) || fileMeta != null
                && MEDIA_STORAGE_DIRECTORY.equals(fileMeta.getString(Tag.MediaStorageSOPClassUID, "").trim())) {
            throw new DicomException("a DICOMDIR is not de-identified (its record offsets would no longer match the"
                    + " rewritten file): de-identify the instances it lists and build a new DICOMDIR");
        }
        String quarantine = config.allowBurnedIn() ? null : burnedInReason(dataset);
        if (quarantine != null) {
            return DeidResult.quarantine(quarantine);
        }
        Run run = new Run(dataset.getString(Tag.PatientID, ""));
        Attributes out = dataset.deepCopy();
        run.process(out, "", false);
        addMarkers(out);
        return new DeidResult(out, fileMeta == null ? null : newFileMeta(fileMeta, out), List.copyOf(run.actions),
                null);
    }

    /** Why this instance may carry burned-in identifying text, or null when it does not. */
    public static String burnedInReason(Attributes ds) {
        boolean hasPixels = ds.contains(Tag.PixelData) || ds.contains(Tag.FloatPixelData)
                || ds.contains(Tag.DoubleFloatPixelData);
        if (!hasPixels) {
            return null;
        }
        String burned = ds.getString(Tag.BurnedInAnnotation, "").trim();
        if (burned.equalsIgnoreCase("YES")) {
            return "Burned In Annotation (0028,0301) is YES";
        }
        if (!burned.isEmpty()) {
            return null;
        }
        String modality = ds.getString(Tag.Modality, "").trim();
        if (BURN_IN_MODALITIES.contains(modality)) {
            return "no Burned In Annotation (0028,0301) and modality " + modality + " often has text burned in";
        }
        String sopClass = ds.getString(Tag.SOPClassUID, "").trim();
        if (sopClass.equals(SECONDARY_CAPTURE_ROOT) || sopClass.startsWith(SECONDARY_CAPTURE_ROOT + ".")) {
            return "no Burned In Annotation (0028,0301) and Secondary Capture SOP class "
                    + SopClasses.nameOf(sopClass);
        }
        return null;
    }

    private void addMarkers(Attributes out) {
        out.setString(Tag.PatientIdentityRemoved, VR.CS, "YES");
        List<String> methods = new ArrayList<>();
        methods.add(METHOD);
        for (DeidOption o : config.options()) {
            methods.add(o.meaning());
        }
        out.setString(Tag.DeidentificationMethod, VR.LO, methods.toArray(String[]::new));
        Sequence codes = out.newSequence(Tag.DeidentificationMethodCodeSequence);
        addCode(codes, DeidOption.BASIC_PROFILE_CODE, DeidOption.BASIC_PROFILE_MEANING);
        for (DeidOption o : config.options()) {
            addCode(codes, o.code(), o.meaning());
        }
        String temporal = config.has(DeidOption.RETAIN_LONGITUDINAL_FULL_DATES) ? "UNMODIFIED"
                : config.has(DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES) ? "MODIFIED" : "REMOVED";
        out.setString(LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED, VR.CS, temporal);
    }

    private static void addCode(Sequence codes, String value, String meaning) {
        Attributes item = codes.addItem();
        item.setString(Tag.CodeValue, VR.SH, value);
        item.setString(Tag.CodingSchemeDesignator, VR.SH, "DCM");
        item.setString(Tag.CodeMeaning, VR.LO, meaning);
    }

    private Attributes newFileMeta(Attributes meta, Attributes out) {
        Attributes m = new Attributes();
        for (int tag : new int[] {Tag.FileMetaInformationVersion, Tag.MediaStorageSOPClassUID,
                Tag.TransferSyntaxUID}) {
            if (meta.contains(tag)) {
                m.setValue(tag, meta.getVR(tag), meta.getValue(tag));
            }
        }
        String iuid = out.getString(Tag.SOPInstanceUID);
        if (iuid == null) {
            String orig = meta.getString(Tag.MediaStorageSOPInstanceUID, "");
            iuid = config.has(DeidOption.RETAIN_UIDS) ? orig : config.pseudonymizer().uid(orig);
        }
        m.setString(Tag.MediaStorageSOPInstanceUID, VR.UI, iuid);
        return m;
    }

    /** State of one instance's de-identification: the patient whose pseudonyms apply, and the audit trail. */
    private final class Run {
        final String patientId;
        final List<AppliedAction> actions = new ArrayList<>();
        private Integer shiftDays;

        Run(String patientId) {
            this.patientId = patientId;
        }

        int shiftDays() {
            if (shiftDays == null) {
                shiftDays = config.pseudonymizer().dateShiftDays(patientId, config.maxDateShiftDays());
            }
            return shiftDays;
        }

        void process(Attributes item, String prefix, boolean cleanFreeText) {
            boolean cleanGraphics = config.has(DeidOption.CLEAN_GRAPHICS);
            Set<Integer> keptPrivateBlocks = new HashSet<>();
            for (int tag : item.tags()) {
                VR vr = item.getVR(tag);
                String path = prefix + Tag.toString(tag);
                if (Tag.isGroupLength(tag)) {
                    item.remove(tag);
                    log(path, tag, ProfileAction.X, "group length (recomputed on writing)");
                } else if (Tag.isPrivate(tag)) {
                    if (!Tag.isPrivateCreator(tag)) {
                        String creator = item.getString(Tag.privateCreatorOf(tag));
                        if (config.has(DeidOption.RETAIN_SAFE_PRIVATE) && SafePrivateAttributes.isSafe(tag, creator)) {
                            keptPrivateBlocks.add(Tag.privateCreatorOf(tag));
                            log(path, tag, ProfileAction.K, DeidOption.RETAIN_SAFE_PRIVATE.cliName());
                        } else {
                            item.remove(tag);
                            log(path, tag, ProfileAction.X, "private");
                        }
                    }
                } else if (isGraphicsGroup(tag) && !cleanGraphics) {
                    item.remove(tag);
                    log(path, tag, ProfileAction.X, "overlay/curve group");
                } else {
                    Row row = profile.rowFor(tag);
                    VR effective = vr == VR.UN ? ElementDictionary.vrOf(tag) : vr;
                    Decision d = row != null ? ConfidentialityProfile.decide(row, config.options())
                            : notInTable(tag, effective, cleanFreeText);
                    String rule = row == null ? "not in table" : d.option() == null
                            ? "basic " + row.basicCode() : d.option().cliName();
                    if (effective != vr && d.action() != ProfileAction.K && d.action() != ProfileAction.X) {
                        d = fromUnknownVr(item, tag, effective, d);
                        vr = effective;
                        rule += ", UN read as " + effective;
                    }
                    apply(item, tag, vr, d, row, path, rule, cleanFreeText);
                }
            }
            for (int tag : item.tags()) {
                if (Tag.isPrivateCreator(tag) && !keptPrivateBlocks.contains(tag)) {
                    item.remove(tag);
                    log(prefix + Tag.toString(tag), tag, ProfileAction.X, "private creator");
                }
            }
        }

        /**
         * An element the sender encoded as UN (unknown VR) that the table asks to change: reinterpret its bytes with
         * the dictionary VR (implicit little-endian, as PS3.5 6.2.2 says UN carries) so that the action can apply.
         * An undecodable UN sequence cannot be cleaned item by item, so it is removed instead.
         */
        private Decision fromUnknownVr(Attributes item, int tag, VR dictionaryVr, Decision d) {
            Object v = item.getValue(tag);
            byte[] b = v instanceof byte[] bytes ? bytes : v instanceof BulkData bd ? bd.bytes() : new byte[0];
            if (dictionaryVr == VR.SQ) {
                return d.action() == ProfileAction.Z || d.action() == ProfileAction.D ? d
                        : new Decision(ProfileAction.X, d.option());
            }
            if (dictionaryVr.isStringLike()) {
                String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)
                        .replace("\0", "").trim();
                item.setString(tag, dictionaryVr, text.isEmpty() ? new String[0] : new String[] {text});
            } else {
                item.setBytes(tag, dictionaryVr, b);
            }
            return d;
        }

        private Decision notInTable(int tag, VR vr, boolean cleanFreeText) {
            if (vr == VR.UI && !config.has(DeidOption.RETAIN_UIDS) && !isClassLikeUid(tag)) {
                return new Decision(ProfileAction.U, null);
            }
            if (cleanFreeText && isFreeText(vr) && !CODED_CONCEPT_TAGS.contains(tag)) {
                return new Decision(ProfileAction.C, null);
            }
            return new Decision(ProfileAction.K, null);
        }

        private void apply(Attributes item, int tag, VR vr, Decision d, Row row, String path, String rule,
                boolean cleanFreeText) {
            ProfileAction action = d.action();
            Object value = item.getValue(tag);
            switch (action) {
                case X -> item.remove(tag);
                case Z -> {
                    if (tag == Tag.PatientName && vr == VR.PN) {
                        item.setString(tag, vr, config.pseudonymizer().patientPseudonym(patientId));
                        rule += ", pseudonym";
                    } else if (vr == VR.SQ) {
                        item.newSequence(tag);
                    } else {
                        item.setValue(tag, vr, null);
                    }
                }
                case D -> {
                    if (tag == Tag.PatientID) {
                        item.setString(tag, vr, config.pseudonymizer().patientPseudonym(item.getString(tag, "")));
                        rule += ", pseudonym";
                    } else {
                        setDummy(item, tag, vr, value);
                    }
                }
                case K -> recurse(item, tag, path, cleanFreeText);
                case U -> {
                    if (vr == VR.SQ) {
                        recurse(item, tag, path, cleanFreeText);
                    } else if (vr == VR.UI) {
                        item.setString(tag, vr, remapUids(item.getString(tag, "")));
                    } else {
                        setDummy(item, tag, vr, value);
                    }
                }
                case C -> {
                    if (d.option() == DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES) {
                        ProfileAction done = shiftDates(item, tag, vr);
                        if (done == null) {
                            Decision basic = new Decision(row.basicAction(), null);
                            apply(item, tag, vr, basic, row, path, rule + " unshiftable, basic " + row.basicCode(),
                                    cleanFreeText);
                            return;
                        }
                        action = done;
                    } else {
                        clean(item, tag, vr, value, path);
                    }
                }
                default -> throw new IllegalStateException("unhandled action " + action);
            }
            log(path, tag, action, rule);
        }

        private void recurse(Attributes item, int tag, String path, boolean cleanFreeText) {
            Sequence seq = item.getSequence(tag);
            if (seq == null) {
                return;
            }
            int i = 0;
            for (Attributes nested : seq) {
                process(nested, path + "[" + i++ + "]", cleanFreeText);
            }
        }

        private void clean(Attributes item, int tag, VR vr, Object value, String path) {
            switch (vr) {
                case SQ -> recurse(item, tag, path, true);
                case UI -> item.setString(tag, vr, remapUids(item.getString(tag, "")));
                case DA, DT, TM, AS, UR -> setDummy(item, tag, vr, value);
                case DS, IS -> item.setString(tag, vr, "0");
                default -> {
                    if (vr.isStringLike()) {
                        item.setString(tag, vr, CLEANED);
                    } else {
                        item.setBytes(tag, vr, new byte[(int) Math.max(lengthOf(value), 0)]);
                    }
                }
            }
        }

        /** Shifts DA/DT by the patient's days, keeps TM and the timezone offset; null when it cannot shift. */
        private ProfileAction shiftDates(Attributes item, int tag, VR vr) {
            if (vr == VR.TM || vr == VR.SH) {
                return ProfileAction.K;
            }
            if (vr != VR.DA && vr != VR.DT) {
                return null;
            }
            String v = item.getString(tag);
            if (v == null) {
                return ProfileAction.Z;
            }
            String[] values = v.split("\\\\", -1);
            for (int i = 0; i < values.length; i++) {
                String shifted = vr == VR.DA ? shiftDa(values[i]) : shiftDt(values[i]);
                if (shifted == null) {
                    return null;
                }
                values[i] = shifted;
            }
            item.setString(tag, vr, values);
            return ProfileAction.C;
        }

        private String shiftDa(String value) {
            // A DA value may be a range "from-to" (either side may be open).
            String[] parts = value.trim().split("-", -1);
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].isEmpty()) {
                    parts[i] = Pseudonymizer.shiftDate(parts[i], shiftDays());
                    if (parts[i] == null) {
                        return null;
                    }
                }
            }
            return String.join("-", parts);
        }

        private String shiftDt(String value) {
            String v = value.trim();
            if (v.length() < 8) {
                return null;
            }
            String day = Pseudonymizer.shiftDate(v.substring(0, 8), shiftDays());
            return day == null ? null : day + v.substring(8);
        }

        private void setDummy(Attributes item, int tag, VR vr, Object value) {
            switch (vr) {
                case SQ -> item.newSequence(tag).addItem();
                case PN -> item.setString(tag, vr, DUMMY_PN);
                case DA -> item.setString(tag, vr, DUMMY_DA);
                case DT -> item.setString(tag, vr, DUMMY_DT);
                case TM -> item.setString(tag, vr, DUMMY_TM);
                case AS -> item.setString(tag, vr, DUMMY_AS);
                case DS, IS -> item.setString(tag, vr, "0");
                case UR -> item.setString(tag, vr, DUMMY_UR);
                case UI -> {
                    String orig = item.getString(tag, "");
                    // An empty UID still needs a non-empty dummy: derive one from the tag, not from anything personal.
                    item.setString(tag, vr, orig.isEmpty() ? config.pseudonymizer().uid("empty:" + Tag.toHex(tag))
                            : remapUids(orig));
                }
                default -> {
                    if (vr.isStringLike()) {
                        item.setString(tag, vr, DUMMY_TEXT);
                    } else {
                        int unit = Math.max(vr.bytesPerValue(), 2);
                        long len = Math.max(lengthOf(value), unit);
                        item.setBytes(tag, vr, new byte[(int) (len + (len & 1))]);
                    }
                }
            }
        }

        private String remapUids(String uids) {
            String[] parts = uids.split("\\\\", -1);
            for (int i = 0; i < parts.length; i++) {
                parts[i] = config.pseudonymizer().uid(parts[i]);
            }
            return String.join("\\", parts);
        }

        private void log(String path, int tag, ProfileAction action, String rule) {
            actions.add(new AppliedAction(path, tag, action, rule));
        }
    }

    private static long lengthOf(Object value) {
        if (value instanceof byte[] b) {
            return b.length;
        }
        if (value instanceof BulkData bd) {
            return bd.length();
        }
        return 0;
    }

    /** Even groups 5000-501E (curves) and 6000-601E (overlays). */
    static boolean isGraphicsGroup(int tag) {
        int g = Tag.group(tag);
        return (g & 1) == 0 && ((g >= 0x5000 && g <= 0x501E) || (g >= 0x6000 && g <= 0x601E));
    }

    /** UIDs outside the table that name a class, syntax or coding scheme rather than an instance: kept. */
    static boolean isClassLikeUid(int tag) {
        String kw = ElementDictionary.keywordOf(tag);
        return kw.endsWith("ClassUID") || kw.contains("SOPClasses") || kw.endsWith("TransferSyntaxUID")
                || UID_KEYWORDS_KEPT.contains(kw);
    }

    private static boolean isFreeText(VR vr) {
        return vr == VR.LO || vr == VR.SH || vr == VR.ST || vr == VR.LT || vr == VR.UT || vr == VR.UC
                || vr == VR.PN;
    }
}
