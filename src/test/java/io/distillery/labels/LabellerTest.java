package io.distillery.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabellerTest {
    @TempDir
    Path tmp;

    private static Attributes instance(String accession, String description) {
        Attributes ds = new Attributes();
        ds.setString(Tag.AccessionNumber, VR.SH, accession);
        ds.setString(Tag.StudyDescription, VR.LO, description);
        ds.setString(Tag.PatientID, VR.LO, "PAT-" + accession);
        return ds;
    }

    @Test
    void manifestByAccessionNumberThenRegexThenHeader() throws IOException {
        Path csv = tmp.resolve("labels.csv");
        Files.writeString(csv, "accession,label,comment\nACC1,pneumonia,\"quoted, with comma\"\nACC2,normal,\n");
        Labeller l = new Labeller(List.of(
                CsvManifestRule.load(csv, CsvManifestRule.Key.ACCESSION_NUMBER, "accession", "label"),
                AttributeMatchRule.regex("StudyDescription", Map.of("(?i)pneumonia", "pneumonia")),
                new HeaderRule(HeaderRule.DEFAULT_HEADER)));
        assertEquals(Optional.of("pneumonia"), l.label(instance("ACC1", "CHEST PA"), Map.of()));
        assertEquals(Optional.of("normal"), l.label(instance("ACC2", "suspected PNEUMONIA"), Map.of()),
                "the manifest comes first");
        assertEquals(Optional.of("pneumonia"), l.label(instance("ACC9", "suspected PNEUMONIA"), Map.of()));
        assertEquals(Optional.of("normal"),
                l.label(instance("ACC9", "CHEST"), Map.of(HeaderRule.DEFAULT_HEADER, "normal")));
        assertTrue(l.label(instance("ACC9", "CHEST"), Map.of()).isEmpty());
        assertTrue(l.noMatchReason().contains("manifest labels.csv by accession number"), l.noMatchReason());
    }

    @Test
    void conflictingManifestRowsAreRejectedWithTheLine() throws IOException {
        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, "id,label\nP1,normal\nP1,pneumonia\n");
        IOException e = assertThrows(IOException.class,
                () -> CsvManifestRule.load(csv, CsvManifestRule.Key.PATIENT_ID, "id", "label"));
        assertTrue(e.getMessage().endsWith("line 3: id P1 is labelled both 'normal' and 'pneumonia'"), e.getMessage());
    }

    @Test
    void codedFindingInANestedSequence() {
        Attributes ds = new Attributes();
        Attributes item = ds.newSequence(0x0040A730).addItem(); // Content Sequence
        Attributes code = item.newSequence(0x0040A168).addItem(); // Concept Code Sequence
        code.setString(Tag.CodeValue, VR.SH, "233604007");
        code.setString(Tag.CodingSchemeDesignator, VR.SH, "SCT");
        LabelRule rule = AttributeMatchRule.codes(Map.of("SCT:233604007", "pneumonia"));
        assertEquals(Optional.of("pneumonia"), rule.label(ds, Map.of()));
        assertTrue(rule.label(new Attributes(), Map.of()).isEmpty());
    }

    @Test
    void unknownKeywordIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttributeMatchRule.regex("StudyDescripton", Map.of("x", "y")));
        assertEquals("unknown attribute keyword 'StudyDescripton'", e.getMessage());
    }
}
