package io.distillery.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Fragments;
import io.distillery.dicom.Sequence;
import io.distillery.dicom.Tag;
import io.distillery.testsupport.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of the shared corpus that the reader parses is de-identified (DICOMDIRs are refused, by design),
 * once with the basic profile and once with modified dates, clean descriptors and patient characteristics, (burned-in candidates too, so that their
 * headers are checked) and written in its own transfer syntax; then:
 * <ul>
 *   <li>the written bytes, read raw as ISO-8859-1 and as UTF-8 text, and the values of the re-read dataset (which
 *       decodes any Specific Character Set) contain none of the original's identifying values
 *       ({@link IdentifyingValues} says which values count and why some are excluded);</li>
 *   <li>dcmtk's dcmdump reads every written file with exit status 0 and no warning or error, except warnings that
 *       the original file already gets from dcmdump (odd-length encapsulated pixel data in a few corpus files,
 *       which de-identification copies unchanged).</li>
 * </ul>
 * A hit inside the pixel data copied unchanged from the original is coincidence (compressed bytes), not a header
 * leak, and is not counted; there were none when this was written.
 */
class CorpusDeidTest {
    private static final byte[] SECRET = "corpus-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @Test
    void noIdentifyingValueSurvivesAndDcmdumpReadsEveryOutput(@TempDir Path dir) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(SharedData.dicomCorpus())) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        // The basic profile, and a typical research configuration whose shifted dates and cleaned descriptors
        // must not leak the originals either.
        Set<DeidOption> research = EnumSet.of(DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES,
                DeidOption.CLEAN_DESCRIPTORS, DeidOption.RETAIN_PATIENT_CHARACTERISTICS);
        List<Set<DeidOption>> configurations = List.of(Set.of(), research);
        List<String> leaks = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        int checkedValues = 0;
        int directories = 0;
        for (Path file : files) {
            DicomFile in;
            try {
                in = DicomFile.read(file);
            } catch (DicomException | IOException e) {
                continue; // not DICOM, or malformed on purpose: the reader's own tests cover those
            }
            for (Set<DeidOption> options : configurations) {
                Deidentifier engine = new Deidentifier(DeidConfig.of(SECRET, options).withAllowBurnedIn(true));
                DeidResult r;
                try {
                    r = engine.deidentify(in.dataset(), in.fileMeta());
                } catch (DicomException e) {
                    assertTrue(in.dataset().contains(0x00041220), file + ": only a DICOMDIR is refused: "
                            + e.getMessage());
                    directories++;
                    continue;
                }
                Path out = dir.resolve(written.size() + "_" + file.getFileName());
                new DicomFile(r.fileMeta(), r.dataset(), in.transferSyntax()).write(out, in.transferSyntax());
                written.add(out);
                sources.add(file);

                byte[] bytes = Files.readAllBytes(out);
                String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
                String utf8 = new String(bytes, StandardCharsets.UTF_8);
                DicomFile back = DicomFile.read(out);
                assertEquals(in.transferSyntax().uid(), back.transferSyntax().uid(), file + ": transfer syntax kept");
                assertEquals("YES", back.dataset().getString(Tag.PatientIdentityRemoved), file.toString());
                String decoded = String.join("\n", allStrings(back.dataset(), new ArrayList<>()));
                String pixels = pixelText(in.dataset());
                for (IdentifyingValues.Found v : IdentifyingValues.collect(in.dataset(),
                        ConfidentialityProfile.standard(), options)) {
                    checkedValues++;
                    String value = v.value();
                    boolean found = latin1.contains(value) || utf8.contains(value) || decoded.contains(value);
                    if (found && !(pixels.contains(value) && !decoded.contains(value))) {
                        leaks.add(SharedData.dicomCorpus().relativize(file) + " " + options + " " + v.path()
                                + " \"" + value + "\"");
                    }
                }
            }
        }
        assertTrue(written.size() > 300, "corpus files de-identified: " + written.size());
        assertTrue(directories > 0, "the corpus's DICOMDIRs were refused");
        assertTrue(checkedValues > 1000, "identifying values checked: " + checkedValues);
        assertTrue(leaks.isEmpty(), leaks.size() + " identifying values survived:\n" + String.join("\n", leaks));
        System.out.printf("corpus: %d files de-identified, %d DICOMDIRs refused, %d identifying values checked,"
                + " none found%n", written.size(), directories, checkedValues);
        assertDcmdumpReadsAll(written, sources);
    }

    /**
     * One dcmdump over all outputs and one over their originals: every warning line of the outputs must also be
     * printed for the originals at least as often (warnings inherited from the source, such as odd-length pixel
     * data fragments copied as-is). Only when that fails, file by file, to name the culprits.
     */
    private static void assertDcmdumpReadsAll(List<Path> written, List<Path> sources) throws Exception {
        Dump outputs = dcmdump(written);
        Dump originals = dcmdump(sources);
        Map<String, Long> inherited = originals.stderr.lines()
                .collect(Collectors.groupingBy(l -> l, Collectors.counting()));
        Map<String, Long> ours = outputs.stderr.lines().collect(Collectors.groupingBy(l -> l, Collectors.counting()));
        boolean onlyInherited = ours.entrySet().stream()
                .allMatch(e -> e.getValue() <= inherited.getOrDefault(e.getKey(), 0L));
        System.out.printf("dcmdump: %d outputs, exit %d, %d warning lines, all also printed for the originals: %s%n",
                written.size(), outputs.exit, outputs.stderr.lines().count(), onlyInherited);
        if (outputs.exit == 0 && onlyInherited) {
            return;
        }
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            Dump d = dcmdump(List.of(written.get(i)));
            List<String> originalLines = dcmdump(List.of(sources.get(i))).stderr.lines().toList();
            if (d.exit != 0 || !d.stderr.lines().allMatch(originalLines::contains)) {
                bad.add(sources.get(i) + " (exit " + d.exit + "): " + d.stderr.strip().replace('\n', ' '));
            }
        }
        assertTrue(bad.isEmpty(), "dcmdump complained about " + bad.size() + " outputs:\n" + String.join("\n", bad));
    }

    private record Dump(int exit, String stderr) {
    }

    private static Dump dcmdump(List<Path> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("dcmdump"));
        files.forEach(p -> cmd.add(p.toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dcmdump finished");
        return new Dump(p.exitValue(), new String(err, StandardCharsets.UTF_8));
    }

    private static List<String> allStrings(Attributes ds, List<String> out) {
        ds.forEach((tag, vr, value) -> {
            if (value instanceof Sequence s) {
                for (Attributes item : s) {
                    allStrings(item, out);
                }
            } else if (vr.isStringLike() && value instanceof String str) {
                out.add(str);
            }
        });
        return out;
    }

    /** The original pixel data as ISO-8859-1 text, for telling coincidental byte matches from header leaks. */
    private static String pixelText(Attributes ds) {
        Object v = ds.getValue(Tag.PixelData);
        StringBuilder sb = new StringBuilder();
        if (v instanceof Fragments f) {
            for (int i = 0; i < f.fragmentCount(); i++) {
                sb.append(new String(f.fragment(i), StandardCharsets.ISO_8859_1));
            }
        } else if (v != null) {
            byte[] b = ds.getBytes(Tag.PixelData);
            if (b != null) {
                sb.append(new String(b, StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }
}
