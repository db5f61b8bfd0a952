package io.distillery.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Pins the CID 7050 codes and meanings we record to the values checked against published copies of the standard
 * (sources in docs/deid.md), so a later edit cannot silently change what the De-identification Method Code
 * Sequence claims.
 */
class DeidOptionCodesTest {

    @Test
    void everyOptionCarriesItsCid7050CodeAndMeaning() {
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("113103", "Clean Graphics Option"),
                Map.entry("113104", "Clean Structured Content Option"),
                Map.entry("113105", "Clean Descriptors Option"),
                Map.entry("113106", "Retain Longitudinal Temporal Information Full Dates Option"),
                Map.entry("113107", "Retain Longitudinal Temporal Information Modified Dates Option"),
                Map.entry("113108", "Retain Patient Characteristics Option"),
                Map.entry("113109", "Retain Device Identity Option"),
                Map.entry("113110", "Retain UIDs Option"),
                Map.entry("113111", "Retain Safe Private Option"),
                Map.entry("113112", "Retain Institution Identity Option")));
        Map<String, String> actual = Arrays.stream(DeidOption.values())
                .collect(Collectors.toMap(DeidOption::code, DeidOption::meaning, (a, b) -> a + " | " + b,
                        TreeMap::new));
        assertEquals(expected, actual);
        assertEquals("113100", DeidOption.BASIC_PROFILE_CODE);
        assertEquals("Basic Application Confidentiality Profile", DeidOption.BASIC_PROFILE_MEANING);
    }
}
