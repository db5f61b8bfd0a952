package io.distillery.deid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.dicom.Attributes;
import io.distillery.dicom.ElementDictionary;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import io.distillery.dicom.Values;
import io.distillery.testsupport.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of PS3.15 table E.1-1 read straight from the shared standard extract (not through the engine's loader),
 * each with a concrete tag and a distinctive original value valid for its VR.
 */
final class ProfileRowFixture {
    static final String REF_INSTANCE_UID = "1.2.826.0.1.3680043.99.1.555";
    static final String REF_CLASS_UID = "1.2.840.10008.5.1.4.1.1.2";
    static final String ITEM_CODE_VALUE = "T-D1100";

    /** One table row: concrete tag, VR, the JSON codes, and the original value placed in the dataset. */
    record TableRow(int index, String tagText, String name, int tag, VR vr, String basic, Map<String, String> options) {
        boolean isPrivate() {
            return tagText.startsWith("(GGGG");
        }
    }

    private ProfileRowFixture() {
    }

    static List<TableRow> rows() {
        try {
            JsonNode arr = new ObjectMapper().readTree(
                    Files.readAllBytes(SharedData.standard("confidentiality_profile_attributes.json")));
            List<TableRow> out = new ArrayList<>();
            int i = 0;
            for (JsonNode n : arr) {
                String t = n.get("tag").asText();
                int tag;
                if (t.startsWith("(GGGG")) {
                    tag = 0x00091001;
                } else {
                    tag = (int) Long.parseLong(t.substring(1, 5).replace('X', '0') + t.substring(6, 10)
                            .replace("XXXX", "3000").replace('X', '0'), 16);
                }
                VR vr = Tag.isPrivate(tag) ? VR.LO : Tag.group(tag) == 0 ? VR.UI : ElementDictionary.vrOf(tag);
                Map<String, String> opts = new LinkedHashMap<>();
                n.fields().forEachRemaining(e -> {
                    if (e.getKey().endsWith("Opt")) {
                        opts.put(e.getKey(), e.getValue().asText());
                    }
                });
                out.add(new TableRow(i++, t, n.get("name").asText(), tag, vr, n.get("basicProfile").asText(), opts));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A distinctive original value for the row, in the container's normal form, placed into {@code ds}. */
    static void put(Attributes ds, TableRow row) {
        int tag = row.tag();
        VR vr = row.vr();
        int i = row.index();
        if (row.isPrivate()) {
            ds.setString(0x00090010, VR.LO, "ACME PRIVATE");
        }
        switch (vr) {
            case SQ -> {
                Attributes item = ds.newSequence(tag).addItem();
                item.setString(Tag.ReferencedSOPClassUID, VR.UI, REF_CLASS_UID);
                item.setString(Tag.ReferencedSOPInstanceUID, VR.UI, REF_INSTANCE_UID);
                item.setString(Tag.CodeValue, VR.SH, ITEM_CODE_VALUE);
            }
            case PN -> ds.setString(tag, vr, "Orig" + i + "^Person");
            case DA -> ds.setString(tag, vr, "20190317");
            case DT -> ds.setString(tag, vr, "20190317101112.5");
            case TM -> ds.setString(tag, vr, "101112");
            case AS -> ds.setString(tag, vr, "042Y");
            case DS -> ds.setString(tag, vr, "12.5");
            case IS -> ds.setString(tag, vr, "77");
            case UI -> ds.setString(tag, vr, "1.2.826.0.1.3680043.99.2." + i);
            case CS -> ds.setString(tag, vr, "ORIGVAL" + i);
            case AE -> ds.setString(tag, vr, "ORIGAE" + i);
            case UR -> ds.setString(tag, vr, "http://example.org/orig/" + i);
            case AT -> ds.setBytes(tag, vr, Values.fromInts(vr, 0x00100010));
            default -> {
                if (vr.isStringLike()) {
                    ds.setString(tag, vr, "Original value " + i);
                } else if (vr.kind() == VR.Kind.BINARY) {
                    ds.setBytes(tag, vr, Values.fromInts(vr, 7));
                } else {
                    ds.setBytes(tag, vr, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
                }
            }
        }
    }
}
