package io.distillery.deid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.distillery.deid.ProfileRowFixture.TableRow;
import io.distillery.dicom.Attributes;
import io.distillery.dicom.Sequence;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every row of PS3.15 table E.1-1, on a dataset that has that attribute, de-identified with the basic profile and
 * with each option alone: the row's action (combined codes resolved as documented in ConfidentialityProfile) must
 * have taken effect, and no non-kept original value may survive.
 */
class ProfileTableTest {
    private static final byte[] SECRET = "profile-table-test-secret-0123456789".getBytes(StandardCharsets.UTF_8);
    private static final String PATIENT_ID = "PAT-ORIGINAL-4711";
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private final Pseudonymizer psn = new Pseudonymizer(SECRET);

    @Test
    void everyRowUnderTheBasicProfileAndEachOption() {
        List<TableRow> rows = ProfileRowFixture.rows();
        assertEquals(621, rows.size(), "rows in table E.1-1 extract");
        List<String> failures = new ArrayList<>();
        int checks = 0;
        List<DeidOption> configs = new ArrayList<>();
        configs.add(null);
        configs.addAll(List.of(DeidOption.values()));
        for (DeidOption option : configs) {
            Deidentifier engine = new Deidentifier(DeidConfig.of(SECRET,
                    option == null ? Set.of() : EnumSet.of(option)));
            for (TableRow row : rows) {
                Attributes ds = new Attributes();
                if (row.tag() != Tag.PatientID) {
                    ds.setString(Tag.PatientID, VR.LO, PATIENT_ID);
                }
                ProfileRowFixture.put(ds, row);
                Attributes original = ds.deepCopy();
                try {
                    DeidResult r = engine.deidentify(ds, null);
                    String code = expectedCode(row, option);
                    check(row, option, code, original, r);
                    checks++;
                } catch (AssertionError | RuntimeException e) {
                    failures.add(row.tagText() + " " + row.name() + " [" + (option == null ? "basic" : option.cliName())
                            + "]: " + e.getMessage());
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " row checks failed:\n" + String.join("\n", failures.subList(0,
                    Math.min(40, failures.size()))));
        }
        assertEquals(621 * 11, checks);
    }

    /** The code the table prescribes under one option (or none), combined codes resolved as documented. */
    private static String expectedCode(TableRow row, DeidOption option) {
        if (option != null && row.options().containsKey(option.column())) {
            return row.options().get(option.column());
        }
        return switch (row.basic()) {
            case "X/Z" -> "Z";
            case "X/D", "Z/D", "X/Z/D" -> "D";
            case "X/Z/U*" -> "U";
            default -> row.basic();
        };
    }

    private void check(TableRow row, DeidOption option, String code, Attributes original, DeidResult r) {
        Attributes out = r.dataset();
        assertNotNull(out, "not quarantined");
        int tag = row.tag();
        VR vr = row.vr();
        Object before = original.getValue(tag);
        switch (code) {
            case "X" -> {
                assertFalse(out.contains(tag), "X: element removed");
                if (row.isPrivate()) {
                    assertFalse(out.contains(0x00090010), "X: private creator removed with its block");
                }
            }
            case "Z" -> {
                assertTrue(out.contains(tag), "Z: element present");
                if (tag == Tag.PatientName) {
                    assertEquals(psn.patientPseudonym(PATIENT_ID), out.getString(tag), "Patient's Name: pseudonym");
                } else if (vr == VR.SQ) {
                    assertEquals(0, out.getSequence(tag).size(), "Z: empty sequence");
                } else {
                    assertNull(out.getValue(tag), "Z: empty value");
                }
            }
            case "D" -> checkDummy(tag, vr, before, out);
            case "K" -> checkKept(tag, vr, before, out, option);
            case "U" -> {
                if (vr == VR.SQ) {
                    checkSequenceKeptWithUidsRemapped(out.getSequence(tag));
                } else {
                    String u = out.getString(tag);
                    assertEquals(psn.uid((String) before), u, "U: keyed remap");
                    assertTrue(u.startsWith("2.25."), "U: 2.25 UID");
                }
            }
            case "C" -> checkCleaned(row, option, before, out);
            default -> fail("unexpected code " + code);
        }
        if (!"K".equals(code) && before instanceof String s && out.getValue(tag) instanceof String now) {
            boolean shiftedTime = option == DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES
                    && (vr == VR.TM || vr == VR.SH);
            if (!shiftedTime) {
                assertFalse(now.contains(s), "original value survived: " + now);
            }
        }
    }

    private void checkDummy(int tag, VR vr, Object before, Attributes out) {
        assertTrue(out.contains(tag), "D: element present");
        if (tag == Tag.PatientID) {
            assertEquals(psn.patientPseudonym((String) before), out.getString(tag));
            assertTrue(out.getString(tag).matches("PSN-[A-Z2-7]{16}"), out.getString(tag));
            return;
        }
        switch (vr) {
            case SQ -> {
                Sequence s = out.getSequence(tag);
                assertEquals(1, s.size(), "D: one dummy item");
                assertTrue(s.get(0).isEmpty(), "D: dummy item is empty");
            }
            case UI -> {
                assertEquals(psn.uid((String) before), out.getString(tag));
                assertTrue(out.getString(tag).startsWith("2.25."));
            }
            case PN -> assertEquals(Deidentifier.DUMMY_PN, out.getString(tag));
            case DA -> assertEquals(Deidentifier.DUMMY_DA, out.getString(tag));
            case DT -> assertEquals(Deidentifier.DUMMY_DT, out.getString(tag));
            case TM -> assertEquals(Deidentifier.DUMMY_TM, out.getString(tag));
            case AS -> assertEquals(Deidentifier.DUMMY_AS, out.getString(tag));
            case DS, IS -> assertEquals("0", out.getString(tag));
            case UR -> assertEquals(Deidentifier.DUMMY_UR, out.getString(tag));
            default -> {
                if (vr.isStringLike()) {
                    assertEquals(Deidentifier.DUMMY_TEXT, out.getString(tag));
                } else {
                    byte[] b = out.getBytes(tag);
                    assertTrue(b.length > 0, "D: non-empty");
                    assertArrayEquals(new byte[b.length], b, "D: zero dummy");
                }
            }
        }
    }

    private void checkKept(int tag, VR vr, Object before, Attributes out, DeidOption option) {
        assertTrue(out.contains(tag), "K: element present");
        if (vr == VR.SQ) {
            Sequence s = out.getSequence(tag);
            assertEquals(1, s.size(), "K: items kept");
            Attributes item = s.get(0);
            assertEquals(ProfileRowFixture.ITEM_CODE_VALUE, item.getString(Tag.CodeValue));
            assertEquals(ProfileRowFixture.REF_CLASS_UID, item.getString(Tag.ReferencedSOPClassUID));
            String expectedRef = option == DeidOption.RETAIN_UIDS ? ProfileRowFixture.REF_INSTANCE_UID
                    : psn.uid(ProfileRowFixture.REF_INSTANCE_UID);
            assertEquals(expectedRef, item.getString(Tag.ReferencedSOPInstanceUID),
                    "K: UIDs inside a kept sequence still follow the profile");
        } else if (before instanceof byte[] b) {
            assertArrayEquals(b, out.getBytes(tag), "K: value kept");
        } else {
            assertEquals(before, out.getValue(tag), "K: value kept");
        }
    }

    private void checkSequenceKeptWithUidsRemapped(Sequence s) {
        assertNotNull(s, "sequence kept");
        assertEquals(1, s.size());
        Attributes item = s.get(0);
        assertEquals(psn.uid(ProfileRowFixture.REF_INSTANCE_UID), item.getString(Tag.ReferencedSOPInstanceUID));
        assertEquals(ProfileRowFixture.REF_CLASS_UID, item.getString(Tag.ReferencedSOPClassUID),
                "standard SOP class UID never remapped");
    }

    private void checkCleaned(TableRow row, DeidOption option, Object before, Attributes out) {
        int tag = row.tag();
        VR vr = row.vr();
        if (option == DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES) {
            int days = psn.dateShiftDays(PATIENT_ID, DeidConfig.DEFAULT_MAX_DATE_SHIFT_DAYS);
            assertNotEquals(0, days);
            switch (vr) {
                case DA -> assertEquals(LocalDate.parse("20190317", DA).plusDays(days).format(DA), out.getString(tag));
                case DT -> assertEquals(LocalDate.parse("20190317", DA).plusDays(days).format(DA) + "101112.5",
                        out.getString(tag));
                case TM, SH -> assertEquals(before, out.getValue(tag), "whole-day shift keeps times and offsets");
                default -> {
                    // A value that cannot be shifted (a signed timestamp) falls back to the basic profile.
                    String basic = expectedCode(row, null);
                    if (basic.equals("X")) {
                        assertFalse(out.contains(tag));
                    } else {
                        checkDummy(tag, vr, before, out);
                    }
                }
            }
            return;
        }
        if (row.isPrivate()) {
            assertFalse(out.contains(tag), "private element not on the safe list is removed");
            assertFalse(out.contains(0x00090010), "its creator too");
            return;
        }
        assertTrue(out.contains(tag), "C: element present");
        switch (vr) {
            case SQ -> {
                Sequence s = out.getSequence(tag);
                assertEquals(1, s.size());
                assertEquals(ProfileRowFixture.ITEM_CODE_VALUE, s.get(0).getString(Tag.CodeValue),
                        "coded concepts survive cleaning");
                assertEquals(psn.uid(ProfileRowFixture.REF_INSTANCE_UID),
                        s.get(0).getString(Tag.ReferencedSOPInstanceUID));
            }
            case UI -> assertEquals(psn.uid((String) before), out.getString(tag));
            case DA -> assertEquals(Deidentifier.DUMMY_DA, out.getString(tag));
            case DT -> assertEquals(Deidentifier.DUMMY_DT, out.getString(tag));
            case TM -> assertEquals(Deidentifier.DUMMY_TM, out.getString(tag));
            case DS, IS -> assertEquals("0", out.getString(tag));
            default -> {
                if (vr.isStringLike()) {
                    assertEquals(Deidentifier.CLEANED, out.getString(tag));
                } else {
                    byte[] b = out.getBytes(tag);
                    assertEquals(((byte[]) before).length, b.length, "blanked in place");
                    assertArrayEquals(new byte[b.length], b, "blanked");
                }
            }
        }
    }

    @Test
    void allRowsInOneDatasetLeaveNoOriginalValueExceptKeptOnes() {
        List<TableRow> rows = ProfileRowFixture.rows();
        Attributes ds = new Attributes();
        for (TableRow row : rows) {
            if (!row.isPrivate()) {
                ProfileRowFixture.put(ds, row);
            }
        }
        assertEquals(rows.size() - 1, ds.size(), "every non-private row present once");
        Attributes original = ds.deepCopy();
        DeidResult r = new Deidentifier(DeidConfig.of(SECRET, Set.of())).deidentify(ds, null);
        String all = r.dataset().toString();
        for (TableRow row : rows) {
            if (!row.isPrivate() && !expectedCode(row, null).equals("K")
                    && original.getValue(row.tag()) instanceof String s && s.length() >= 4) {
                assertFalse(all.contains(s), row.tagText() + " original value survived: " + s);
            }
        }
        assertEquals("YES", r.dataset().getString(Tag.PatientIdentityRemoved));
    }
}
