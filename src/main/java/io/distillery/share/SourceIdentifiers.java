package io.distillery.share;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Collects the identifying values of source DICOM files for the audit's byte scan: names (whole and by
 * component), IDs, birth dates, accession numbers, institutions, stations, device serials, physicians,
 * descriptions and instance UIDs.
 */
public final class SourceIdentifiers {
    static final int[] TAGS = {Tag.PatientName, Tag.PatientID, Tag.OtherPatientIDs, Tag.IssuerOfPatientID,
            Tag.PatientBirthDate, Tag.AccessionNumber, Tag.InstitutionName, 0x00080081 /* Institution Address */,
            Tag.StationName, Tag.DeviceSerialNumber, Tag.ReferringPhysicianName, Tag.PerformingPhysicianName,
            Tag.OperatorsName, Tag.StudyDescription, Tag.SeriesDescription, Tag.StudyID, Tag.StudyInstanceUID,
            Tag.SeriesInstanceUID, Tag.SOPInstanceUID};

    private SourceIdentifiers() {
    }

    /** Values of every readable {@code .dcm} file under {@code dir}; unreadable files are a clear error. */
    public static Set<String> fromDicom(Path dir) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".dcm")).sorted().toList();
        }
        for (Path f : files) {
            Attributes a;
            try {
                a = DicomFile.read(f).dataset();
            } catch (IOException | RuntimeException e) {
                throw new ShareException(f + ": unreadable DICOM (" + e.getMessage() + ")", e);
            }
            for (int tag : TAGS) {
                String[] values = a.getStrings(tag);
                if (values == null) {
                    continue;
                }
                for (String v : values) {
                    if (v == null || v.isBlank()) {
                        continue;
                    }
                    out.add(v.trim());
                    if (tag == Tag.PatientName || tag == Tag.ReferringPhysicianName
                            || tag == Tag.PerformingPhysicianName || tag == Tag.OperatorsName) {
                        for (String group : v.split("=")) {
                            for (String part : group.split("\\^")) {
                                if (!part.isBlank()) {
                                    out.add(part.trim());
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** One value per line (UTF-8); blank lines ignored. */
    public static Set<String> fromFile(Path file) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(line.trim());
            }
        }
        return out;
    }
}
