package io.distillery.labels;

import io.distillery.dicom.Attributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Ordered label rules: the first rule that gives a label wins; none means the instance is parked. */
public final class Labeller {
    private final List<LabelRule> rules;

    public Labeller(List<LabelRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public Optional<String> label(Attributes dataset, Map<String, Object> headers) {
        for (LabelRule rule : rules) {
            Optional<String> label = rule.label(dataset, headers);
            if (label.isPresent()) {
                return label;
            }
        }
        return Optional.empty();
    }

    /** Why an instance got no label, for the parked record. */
    public String noMatchReason() {
        return "no label rule matched (" + rules.stream().map(LabelRule::describe).collect(Collectors.joining("; "))
                + ")";
    }
}
