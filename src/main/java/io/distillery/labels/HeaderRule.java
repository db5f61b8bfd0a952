package io.distillery.labels;

import io.distillery.dicom.Attributes;
import java.util.Map;
import java.util.Optional;

/** The label a route has already put in a message header. */
public final class HeaderRule implements LabelRule {
    /** The header routes set by default. */
    public static final String DEFAULT_HEADER = "DistilleryLabel";

    private final String header;

    public HeaderRule(String header) {
        this.header = header;
    }

    @Override
    public Optional<String> label(Attributes dataset, Map<String, Object> headers) {
        Object v = headers.get(header);
        return v == null || v.toString().isBlank() ? Optional.empty() : Optional.of(v.toString().trim());
    }

    @Override
    public String describe() {
        return "header " + header;
    }
}
