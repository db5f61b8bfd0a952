package io.distillery.labels;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.ElementDictionary;
import io.distillery.dicom.Sequence;
import io.distillery.dicom.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Labels from the dataset itself: a regular expression on one attribute (for example Study Description), or a
 * coded finding (a Code Value + Coding Scheme Designator item anywhere in the dataset's sequences). Patterns are
 * tried in the order given; the first that matches names the label.
 */
public final class AttributeMatchRule implements LabelRule {
    private final int tag;
    private final Map<Pattern, String> patterns;
    private final Map<String, String> codes;

    private AttributeMatchRule(int tag, Map<Pattern, String> patterns, Map<String, String> codes) {
        this.tag = tag;
        this.patterns = patterns;
        this.codes = codes;
    }

    /** Regular expressions (found anywhere in the value; use ^...$ to anchor) on the attribute with this keyword. */
    public static AttributeMatchRule regex(String keyword, Map<String, String> patternToLabel) {
        int tag = ElementDictionary.tagForKeyword(keyword);
        if (tag == -1) {
            throw new IllegalArgumentException("unknown attribute keyword '" + keyword + "'");
        }
        Map<Pattern, String> compiled = new LinkedHashMap<>();
        patternToLabel.forEach((p, label) -> compiled.put(Pattern.compile(p), label));
        return new AttributeMatchRule(tag, compiled, Map.of());
    }

    /** Coded findings: "SCHEME:VALUE" (for example "SCT:233604007") to label. */
    public static AttributeMatchRule codes(Map<String, String> codeToLabel) {
        return new AttributeMatchRule(-1, Map.of(), Map.copyOf(codeToLabel));
    }

    @Override
    public Optional<String> label(Attributes dataset, Map<String, Object> headers) {
        if (tag != -1) {
            String value = dataset.getString(tag);
            if (value != null) {
                for (Map.Entry<Pattern, String> e : patterns.entrySet()) {
                    if (e.getKey().matcher(value).find()) {
                        return Optional.of(e.getValue());
                    }
                }
            }
            return Optional.empty();
        }
        return findCode(dataset, 0);
    }

    private Optional<String> findCode(Attributes ds, int depth) {
        if (depth > 16) {
            return Optional.empty();
        }
        String value = ds.getString(Tag.CodeValue);
        String scheme = ds.getString(Tag.CodingSchemeDesignator);
        if (value != null && scheme != null) {
            String label = codes.get(scheme.trim() + ":" + value.trim());
            if (label != null) {
                return Optional.of(label);
            }
        }
        for (int t : ds.tags()) {
            Sequence seq = ds.getSequence(t);
            if (seq != null) {
                for (Attributes item : seq) {
                    Optional<String> found = findCode(item, depth + 1);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String describe() {
        return tag != -1 ? "match on " + ElementDictionary.keywordOf(tag) : "coded finding " + codes.keySet();
    }
}
