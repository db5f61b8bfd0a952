package io.distillery.labels;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.distillery.dicom.Attributes;
import io.distillery.dicom.Tag;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Labels from a CSV manifest with a header row, keyed by Accession Number, Study Instance UID or Patient ID. The key
 * and label columns are named; a key listed twice with different labels is an error at load, not a silent pick.
 */
public final class CsvManifestRule implements LabelRule {

    /** Which attribute the manifest's key column holds. */
    public enum Key {
        ACCESSION_NUMBER(Tag.AccessionNumber), STUDY_INSTANCE_UID(Tag.StudyInstanceUID), PATIENT_ID(Tag.PatientID);

        final int tag;

        Key(int tag) {
            this.tag = tag;
        }
    }

    private final Key key;
    private final Map<String, String> labels;
    private final String source;

    private CsvManifestRule(Key key, Map<String, String> labels, String source) {
        this.key = key;
        this.labels = labels;
        this.source = source;
    }

    public static CsvManifestRule load(Path csv, Key key, String keyColumn, String labelColumn) throws IOException {
        Map<String, String> labels = new HashMap<>();
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class).with(schema)
                        .readValues(r)) {
            int line = 1;
            while (it.hasNext()) {
                line++;
                Map<String, String> row = it.next();
                String k = row.get(keyColumn);
                String label = row.get(labelColumn);
                if (k == null || label == null) {
                    throw new IOException(csv + ": line " + line + " lacks column '" + keyColumn + "' or '"
                            + labelColumn + "'");
                }
                k = k.trim();
                label = label.trim();
                if (k.isEmpty() || label.isEmpty()) {
                    continue;
                }
                String previous = labels.putIfAbsent(k, label);
                if (previous != null && !previous.equals(label)) {
                    throw new IOException(csv + ": line " + line + ": " + keyColumn + " " + k + " is labelled both '"
                            + previous + "' and '" + label + "'");
                }
            }
        }
        return new CsvManifestRule(key, Map.copyOf(labels), csv.getFileName().toString());
    }

    public int size() {
        return labels.size();
    }

    @Override
    public Optional<String> label(Attributes dataset, Map<String, Object> headers) {
        String value = dataset.getString(key.tag);
        return value == null ? Optional.empty() : Optional.ofNullable(labels.get(value.trim()));
    }

    @Override
    public String describe() {
        return "manifest " + source + " by " + key.name().toLowerCase().replace('_', ' ');
    }
}
