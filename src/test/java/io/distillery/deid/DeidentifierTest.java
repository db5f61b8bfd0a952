package io.distillery.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.Sequence;
import io.distillery.dicom.SopClasses;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeidentifierTest {
    private static final byte[] SECRET = "project-secret-A-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_SECRET = "project-secret-B-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final String STUDY = "1.2.826.0.1.3680043.8.498.1";
    private static final String SERIES = "1.2.826.0.1.3680043.8.498.2";
    private static final String INSTANCE_1 = "1.2.826.0.1.3680043.8.498.3";
    private static final String INSTANCE_2 = "1.2.826.0.1.3680043.8.498.4";

    /** A CT image (no burned-in risk) of one patient; the second instance references the first. */
    private static Attributes ct(String instanceUid, String referenced) {
        Attributes ds = new Attributes();
        ds.setString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.2");
        ds.setString(Tag.SOPInstanceUID, VR.UI, instanceUid);
        ds.setString(Tag.StudyDate, VR.DA, "20210405");
        ds.setString(Tag.StudyTime, VR.TM, "093000");
        ds.setString(Tag.AccessionNumber, VR.SH, "ACC778899");
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setString(Tag.InstitutionName, VR.LO, "St Elsewhere Hospital");
        ds.setString(Tag.PatientName, VR.PN, "Doe^Jane");
        ds.setString(Tag.PatientID, VR.LO, "MRN-123456");
        ds.setString(Tag.PatientBirthDate, VR.DA, "19700102");
        ds.setString(Tag.PatientSex, VR.CS, "F");
        ds.setString(Tag.StudyInstanceUID, VR.UI, STUDY);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, SERIES);
        ds.setString(Tag.FrameOfReferenceUID, VR.UI, "1.2.826.0.1.3680043.8.498.9");
        if (referenced != null) {
            Attributes ref = ds.newSequence(0x00081140).addItem(); // Referenced Image Sequence
            ref.setString(Tag.ReferencedSOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.2");
            ref.setString(Tag.ReferencedSOPInstanceUID, VR.UI, referenced);
        }
        ds.setBytes(Tag.PixelData, VR.OW, new byte[8]);
        return ds;
    }

    private static DeidResult run(Attributes ds, byte[] secret, DeidOption... options) {
        Set<DeidOption> opts = options.length == 0 ? Set.of() : EnumSet.of(options[0], options);
        return new Deidentifier(DeidConfig.of(secret, opts)).deidentify(ds, null);
    }

    @Test
    void uidsAreStableAcrossEnginesAndDifferUnderAnotherSecret() {
        Attributes a = run(ct(INSTANCE_1, null), SECRET).dataset();
        Attributes b = run(ct(INSTANCE_1, null), SECRET).dataset();
        Attributes c = run(ct(INSTANCE_1, null), OTHER_SECRET).dataset();
        for (int tag : new int[] {Tag.SOPInstanceUID, Tag.StudyInstanceUID, Tag.SeriesInstanceUID,
                Tag.FrameOfReferenceUID}) {
            String uid = a.getString(tag);
            assertTrue(uid.matches("2\\.25\\.[1-9][0-9]{0,38}"), uid);
            assertTrue(uid.length() <= 64);
            assertEquals(uid, b.getString(tag), "same secret, same UID");
            assertNotEquals(uid, c.getString(tag), "another secret, another UID");
        }
        assertEquals("1.2.840.10008.5.1.4.1.1.2", a.getString(Tag.SOPClassUID), "SOP class never remapped");
        assertEquals(a.getString(Tag.PatientID), b.getString(Tag.PatientID));
        assertNotEquals(a.getString(Tag.PatientID), c.getString(Tag.PatientID));
    }

    @Test
    void referencesInsideSequencesFollowTheReferencedInstance() {
        Attributes first = run(ct(INSTANCE_1, null), SECRET).dataset();
        Attributes second = run(ct(INSTANCE_2, INSTANCE_1), SECRET).dataset();
        Attributes ref = second.getNestedDataset(0x00081140);
        assertEquals(first.getString(Tag.SOPInstanceUID), ref.getString(Tag.ReferencedSOPInstanceUID));
        assertEquals("1.2.840.10008.5.1.4.1.1.2", ref.getString(Tag.ReferencedSOPClassUID));
        assertEquals(first.getString(Tag.StudyInstanceUID), second.getString(Tag.StudyInstanceUID));
        assertNotEquals(first.getString(Tag.SOPInstanceUID), second.getString(Tag.SOPInstanceUID));
    }

    @Test
    void fileMetaFollowsTheRemappedInstanceAndDropsSenderIdentity() {
        Attributes meta = new Attributes();
        meta.setString(Tag.MediaStorageSOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.2");
        meta.setString(Tag.MediaStorageSOPInstanceUID, VR.UI, INSTANCE_1);
        meta.setString(Tag.TransferSyntaxUID, VR.UI, "1.2.840.10008.1.2.1");
        meta.setString(Tag.SourceApplicationEntityTitle, VR.AE, "HOSPITAL_PACS");
        DeidResult r = new Deidentifier(DeidConfig.of(SECRET, Set.of())).deidentify(ct(INSTANCE_1, null), meta);
        assertEquals(r.dataset().getString(Tag.SOPInstanceUID), r.fileMeta().getString(Tag.MediaStorageSOPInstanceUID));
        assertEquals("1.2.840.10008.1.2.1", r.fileMeta().getString(Tag.TransferSyntaxUID));
        assertFalse(r.fileMeta().contains(Tag.SourceApplicationEntityTitle));
    }

    @Test
    void retainUidsKeepsThemAndIsRecorded() {
        Attributes out = run(ct(INSTANCE_2, INSTANCE_1), SECRET, DeidOption.RETAIN_UIDS).dataset();
        assertEquals(INSTANCE_2, out.getString(Tag.SOPInstanceUID));
        assertEquals(INSTANCE_1, out.getNestedDataset(0x00081140).getString(Tag.ReferencedSOPInstanceUID));
        assertTrue(codes(out).contains("113110"));
    }

    @Test
    void recordsPatientIdentityRemovedMethodAndCodesOfTheOptionsApplied() {
        Attributes out = run(ct(INSTANCE_1, null), SECRET, DeidOption.CLEAN_DESCRIPTORS,
                DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES).dataset();
        assertEquals("YES", out.getString(Tag.PatientIdentityRemoved));
        assertTrue(out.getString(Tag.DeidentificationMethod).startsWith(Deidentifier.METHOD));
        assertEquals(List.of("113100", "113107", "113105"), codes(out));
        Sequence seq = out.getSequence(Tag.DeidentificationMethodCodeSequence);
        for (Attributes item : seq) {
            assertEquals("DCM", item.getString(Tag.CodingSchemeDesignator));
            assertTrue(item.getString(Tag.CodeMeaning).length() <= 64);
        }
        assertEquals("MODIFIED", out.getString(Deidentifier.LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED));
        assertEquals("REMOVED", run(ct(INSTANCE_1, null), SECRET).dataset()
                .getString(Deidentifier.LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED));
    }

    private static List<String> codes(Attributes out) {
        List<String> codes = new ArrayList<>();
        for (Attributes item : out.getSequence(Tag.DeidentificationMethodCodeSequence)) {
            codes.add(item.getString(Tag.CodeValue));
        }
        return codes;
    }

    @Test
    void patientPseudonymAndConsistentPerPatientDateShift() {
        DeidResult r = run(ct(INSTANCE_1, null), SECRET, DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES);
        Attributes out = r.dataset();
        String psn = new Pseudonymizer(SECRET).patientPseudonym("MRN-123456");
        assertEquals(psn, out.getString(Tag.PatientID));
        assertEquals(psn, out.getString(Tag.PatientName), "name carries the same pseudonym");
        int days = new Pseudonymizer(SECRET).dateShiftDays("MRN-123456", DeidConfig.DEFAULT_MAX_DATE_SHIFT_DAYS);
        assertTrue(days != 0 && Math.abs(days) <= DeidConfig.DEFAULT_MAX_DATE_SHIFT_DAYS, "shift " + days);
        DateTimeFormatter f = DateTimeFormatter.BASIC_ISO_DATE;
        assertEquals(LocalDate.parse("20210405", f).plusDays(days).format(f), out.getString(Tag.StudyDate));
        assertEquals("093000", out.getString(Tag.StudyTime), "times are not shifted");
        assertFalse(out.contains(Tag.PatientBirthDate) && "19700102".equals(out.getString(Tag.PatientBirthDate)));
        // another patient gets another shift (with overwhelming probability for these two IDs; fixed secret)
        assertNotEquals(days, new Pseudonymizer(SECRET).dateShiftDays("MRN-654321", 365));
    }

    @Test
    void datesAreRemovedByDefaultAndKeptWithFullDates() {
        Attributes basic = run(ct(INSTANCE_1, null), SECRET).dataset();
        assertNull(basic.getValue(Tag.StudyDate), "Study Date Z");
        Attributes full = run(ct(INSTANCE_1, null), SECRET, DeidOption.RETAIN_LONGITUDINAL_FULL_DATES).dataset();
        assertEquals("20210405", full.getString(Tag.StudyDate));
    }

    @Test
    void conflictingOptionsOnOneRowChooseTheMoreConservative() {
        Attributes ds = ct(INSTANCE_1, null);
        ds.setString(0x00181200, VR.DA, "20200101"); // Date of Last Calibration: modified dates C, device id K
        Attributes out = run(ds, SECRET, DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES,
                DeidOption.RETAIN_DEVICE_IDENTITY).dataset();
        assertNotEquals("20200101", out.getString(0x00181200));
        assertEquals(8, out.getString(0x00181200).length());
        assertThrows(IllegalArgumentException.class, () -> DeidConfig.of(SECRET, EnumSet.of(
                DeidOption.RETAIN_LONGITUDINAL_FULL_DATES, DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)));
    }

    @Test
    void privateElementsRemovedUnlessOnTheSafeListWithTheOption() {
        Attributes ds = ct(INSTANCE_1, null);
        ds.setString(0x00190010, VR.LO, "SIEMENS MR HEADER");
        ds.setString(0x0019100C, VR.IS, "1000");      // B_value: safe
        ds.setString(0x00191010, VR.LO, "Doe^Jane");  // not on the list
        ds.setString(0x00290010, VR.LO, "ACME 1.0");
        ds.setString(0x00291001, VR.LO, "MRN-123456");
        Attributes basic = run(ds, SECRET).dataset();
        for (int tag : basic.tags()) {
            assertFalse(Tag.isPrivate(tag), "private " + Tag.toString(tag) + " survived the basic profile");
        }
        Attributes safe = run(ds, SECRET, DeidOption.RETAIN_SAFE_PRIVATE).dataset();
        assertEquals("1000", safe.getString(0x0019100C));
        assertEquals("SIEMENS MR HEADER", safe.getString(0x00190010));
        assertFalse(safe.contains(0x00191010));
        assertFalse(safe.contains(0x00290010));
        assertFalse(safe.contains(0x00291001));
    }

    @Test
    void overlaysRemovedWholeOrBlankedWithCleanGraphics() {
        Attributes ds = ct(INSTANCE_1, null);
        ds.setInt(0x60000010, VR.US, 2);
        ds.setInt(0x60000011, VR.US, 8);
        ds.setString(0x60000040, VR.CS, "G");
        ds.setString(0x60004000, VR.LT, "Jane Doe, left hip");
        ds.setBytes(0x60003000, VR.OW, new byte[] {(byte) 0xFF, 0x0F});
        Attributes basic = run(ds, SECRET).dataset();
        for (int tag : basic.tags()) {
            assertFalse(Tag.group(tag) == 0x6000, "overlay element " + Tag.toString(tag) + " survived");
        }
        Attributes clean = run(ds, SECRET, DeidOption.CLEAN_GRAPHICS).dataset();
        assertEquals(8, clean.getInt(0x60000011, -1));
        assertEquals(Deidentifier.CLEANED, clean.getString(0x60004000));
        assertEquals(2, clean.getBytes(0x60003000).length);
        assertEquals(0, clean.getBytes(0x60003000)[0] | clean.getBytes(0x60003000)[1]);
    }

    @Test
    void uidsOutsideTheTableAreRemappedButClassUidsKept() {
        Attributes ds = ct(INSTANCE_1, null);
        String frame = "1.2.826.0.1.3680043.8.498.77";
        ds.setString(0x0018991E, VR.UI, frame);                       // Target Frame of Reference UID: no row
        ds.setString(0x00080062, VR.UI, "1.2.840.10008.5.1.4.1.1.2", "1.3.12.2.1107.5.9.1"); // SOP Classes in Study
        assertNull(ConfidentialityProfile.standard().rowFor(0x0018991E));
        Attributes out = run(ds, SECRET).dataset();
        assertEquals(new Pseudonymizer(SECRET).uid(frame), out.getString(0x0018991E));
        assertEquals("1.2.840.10008.5.1.4.1.1.2\\1.3.12.2.1107.5.9.1", out.getString(0x00080062));
    }

    @Test
    void burnedInAnnotationQuarantinesUnlessAllowed() {
        Attributes yes = ct(INSTANCE_1, null);
        yes.setString(Tag.BurnedInAnnotation, VR.CS, "YES");
        DeidResult q = run(yes, SECRET);
        assertTrue(q.quarantined());
        assertNull(q.dataset());
        assertTrue(q.quarantineReason().contains("(0028,0301)"));

        Attributes us = ct(INSTANCE_1, null);
        us.setString(Tag.Modality, VR.CS, "US");
        assertTrue(run(us, SECRET).quarantined(), "US without Burned In Annotation");
        Attributes sc = ct(INSTANCE_1, null);
        sc.setString(Tag.SOPClassUID, VR.UI, SopClasses.SECONDARY_CAPTURE_IMAGE_STORAGE);
        assertTrue(run(sc, SECRET).quarantined(), "Secondary Capture without Burned In Annotation");
        us.setString(Tag.BurnedInAnnotation, VR.CS, "NO");
        assertFalse(run(us, SECRET).quarantined(), "US with Burned In Annotation NO");
        assertFalse(run(ct(INSTANCE_1, null), SECRET).quarantined(), "CT");

        DeidResult allowed = new Deidentifier(DeidConfig.of(SECRET, Set.of()).withAllowBurnedIn(true))
                .deidentify(yes, null);
        assertFalse(allowed.quarantined());
        assertEquals("YES", allowed.dataset().getString(Tag.PatientIdentityRemoved));
    }

    @Test
    void auditTrailNamesEveryChange() {
        DeidResult r = run(ct(INSTANCE_2, INSTANCE_1), SECRET);
        List<String> trail = r.actions().stream().map(Object::toString).toList();
        assertTrue(trail.contains("(0010,0010) Z (basic Z, pseudonym)"), trail.toString());
        assertTrue(trail.contains("(0008,0080) D (basic X/Z/D)"), trail.toString());
        assertTrue(trail.contains("(0008,1140)[0](0008,1155) U (basic U)"), trail.toString());
    }

    @Test
    void refusesToRunWithoutASecret() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DeidConfig.secretFromEnvironment(Map.of(), "DISTILLERY_DEID_SECRET"));
        assertTrue(e.getMessage().contains("DISTILLERY_DEID_SECRET"));
        assertThrows(IllegalStateException.class,
                () -> DeidConfig.secretFromEnvironment(Map.of("S", "short"), "S"));
        assertThrows(IllegalArgumentException.class, () -> new Pseudonymizer(new byte[4]));
    }

    @Test
    void inputIsNotModified() {
        Attributes ds = ct(INSTANCE_2, INSTANCE_1);
        String before = ds.toString();
        run(ds, SECRET);
        assertEquals(before, ds.toString());
    }

    @Test
    void elementsSentWithUnknownVrAreStillDeidentified() {
        Attributes ds = ct(INSTANCE_1, null);
        ds.setBytes(Tag.PatientName, VR.UN, "Doe^Jane".getBytes(StandardCharsets.US_ASCII));
        ds.setBytes(Tag.StudyInstanceUID, VR.UN, (STUDY + "\0").getBytes(StandardCharsets.US_ASCII));
        ds.setBytes(Tag.PatientBirthDate, VR.UN, "19700102".getBytes(StandardCharsets.US_ASCII));
        ds.setBytes(Tag.Manufacturer, VR.UN, "ACME".getBytes(StandardCharsets.US_ASCII));
        Attributes out = run(ds, SECRET).dataset();
        assertEquals(new Pseudonymizer(SECRET).patientPseudonym("MRN-123456"), out.getString(Tag.PatientName));
        assertEquals(VR.PN, out.getVR(Tag.PatientName));
        assertEquals(new Pseudonymizer(SECRET).uid(STUDY), out.getString(Tag.StudyInstanceUID));
        assertNull(out.getValue(Tag.PatientBirthDate), "Patient's Birth Date Z");
        assertEquals(VR.UN, out.getVR(Tag.Manufacturer), "kept elements stay as sent");
    }

    @Test
    void refusesADicomdirWithAClearError() {
        Attributes dir = new Attributes();
        dir.newSequence(0x00041220).addItem().setString(Tag.PatientName, VR.PN, "Doe^Jane");
        io.distillery.dicom.DicomException e = assertThrows(io.distillery.dicom.DicomException.class,
                () -> run(dir, SECRET));
        assertTrue(e.getMessage().contains("DICOMDIR"), e.getMessage());
    }
}
