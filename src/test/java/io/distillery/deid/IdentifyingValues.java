package io.distillery.deid;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.ElementDictionary;
import io.distillery.dicom.Sequence;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The original identifying values of an instance, for the leak scan of de-identified output.
 *
 * <p>A value is collected when it sits in an element whose basic-profile action is not K (every private element,
 * every table row other than K, and UIDs outside the table other than class, transfer-syntax and coding-scheme
 * UIDs, which the engine remaps) and, trimmed, is at least
 * {@value #MIN_LENGTH} characters long: shorter values ("F", "CT", "12") occur by chance in any file. Multi-valued
 * elements give each value; person names also give each name component of at least that length.
 *
 * Under Retain Longitudinal Modified Dates, times and the timezone offset count as kept (the shift is whole days).
 *
 * <p>Excluded, each for a stated reason: values under the standard UID root 1.2.840.10008. (they name SOP classes
 * and transfer syntaxes, never a person, and are kept by rule); values that occur inside a string value the profile
 * keeps (K) in the same instance, since the profile retains them there legitimately (e.g. a Study Description
 * "CHEST" and Body Part Examined "CHEST"); values that occur inside the engine's own fixed outputs (dummy and
 * cleaned tokens, method texts and code meanings).
 */
final class IdentifyingValues {
    static final int MIN_LENGTH = 4;

    private IdentifyingValues() {
    }

    record Found(String path, String value) {
    }

    /** Identifying values under the basic profile. */
    static List<Found> collect(Attributes original, ConfidentialityProfile profile) {
        return collect(original, profile, Set.of());
    }

    /** Identifying values under the basic profile with {@code options}: elements those options keep are not. */
    static List<Found> collect(Attributes original, ConfidentialityProfile profile, Set<DeidOption> options) {
        List<Found> values = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        walk(original, "", profile, options, values, kept);
        Set<String> fixedOutputs = new LinkedHashSet<>(List.of(Deidentifier.CLEANED, Deidentifier.DUMMY_TEXT,
                Deidentifier.DUMMY_PN, Deidentifier.DUMMY_DA, Deidentifier.DUMMY_DT, Deidentifier.DUMMY_TM,
                Deidentifier.DUMMY_UR, Deidentifier.METHOD, DeidOption.BASIC_PROFILE_MEANING, "MODIFIED",
                "UNMODIFIED", "REMOVED"));
        for (DeidOption o : DeidOption.values()) {
            fixedOutputs.add(o.meaning());
        }
        List<Found> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Found f : values) {
            String v = f.value();
            if (v.startsWith("1.2.840.10008.") || !seen.add(v)
                    || kept.stream().anyMatch(k -> k.contains(v))
                    || fixedOutputs.stream().anyMatch(k -> k.contains(v))) {
                continue;
            }
            out.add(f);
        }
        return out;
    }

    private static void walk(Attributes ds, String prefix, ConfidentialityProfile profile, Set<DeidOption> options,
            List<Found> values, List<String> kept) {
        for (int tag : ds.tags()) {
            VR vr = ds.getVR(tag);
            String path = prefix + Tag.toString(tag);
            if (vr == VR.SQ) {
                Sequence s = ds.getSequence(tag);
                if (s != null) {
                    int i = 0;
                    for (Attributes item : s) {
                        walk(item, path + "[" + i++ + "]", profile, options, values, kept);
                    }
                }
                continue;
            }
            String v;
            if (vr == VR.UN && ElementDictionary.vrOf(tag).isStringLike() && ds.getValue(tag) instanceof byte[] b) {
                // Sent with an unknown VR: the text is still there in its bytes.
                v = new String(b, StandardCharsets.ISO_8859_1).replace("\0", "").trim();
                vr = ElementDictionary.vrOf(tag);
            } else if (!vr.isStringLike() || Tag.isGroupLength(tag)) {
                continue;
            } else {
                v = ds.getString(tag);
            }
            if (v == null) {
                continue;
            }
            ConfidentialityProfile.Row row = profile.rowFor(tag);
            ConfidentialityProfile.Decision d = row == null ? null : ConfidentialityProfile.decide(row, options);
            boolean keptByProfile = Tag.isPrivateCreator(tag) ? false
                    : row == null ? vr != VR.UI || Deidentifier.isClassLikeUid(tag)
                    : d.action() == ProfileAction.K
                    // a whole-day date shift keeps times and the timezone offset (documented in Deidentifier)
                    || d.option() == DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES && (vr == VR.TM || vr == VR.SH);
            if (keptByProfile) {
                kept.add(v);
                continue;
            }
            for (String part : vr.kind() == VR.Kind.TEXT ? new String[] {v} : v.split("\\\\")) {
                add(values, path, part);
                if (vr == VR.PN) {
                    for (String component : part.split("[\\^=]")) {
                        add(values, path, component);
                    }
                }
            }
        }
    }

    private static void add(List<Found> values, String path, String value) {
        String v = value.trim();
        if (v.length() >= MIN_LENGTH) {
            values.add(new Found(path, v));
        }
    }
}
