package io.distillery.deid;

import java.util.Arrays;

/**
 * The options of PS3.15 Annex E (the option columns of table E.1-1), with the column key used in
 * {@code confidentiality_profile_attributes.json}, the command-line name, and the CID 7050 code recorded in
 * De-identification Method Code Sequence (0012,0064), coding scheme DCM.
 */
public enum DeidOption {
    RETAIN_LONGITUDINAL_FULL_DATES("retain-long-full-dates", "rtnLongFullDatesOpt", "113106",
            "Retain Longitudinal Temporal Information Full Dates Option"),
    RETAIN_LONGITUDINAL_MODIFIED_DATES("retain-long-modified-dates", "rtnLongModifDatesOpt", "113107",
            "Retain Longitudinal Temporal Information Modified Dates Option"),
    RETAIN_PATIENT_CHARACTERISTICS("retain-patient-chars", "rtnPatCharsOpt", "113108",
            "Retain Patient Characteristics Option"),
    RETAIN_DEVICE_IDENTITY("retain-device-id", "rtnDevIdOpt", "113109", "Retain Device Identity Option"),
    RETAIN_INSTITUTION_IDENTITY("retain-institution-id", "rtnInstIdOpt", "113112",
            "Retain Institution Identity Option"),
    RETAIN_UIDS("retain-uids", "rtnUIDsOpt", "113110", "Retain UIDs Option"),
    CLEAN_DESCRIPTORS("clean-descriptors", "cleanDescOpt", "113105", "Clean Descriptors Option"),
    CLEAN_STRUCTURED_CONTENT("clean-structured-content", "cleanStructContOpt", "113104",
            "Clean Structured Content Option"),
    CLEAN_GRAPHICS("clean-graphics", "cleanGraphOpt", "113103", "Clean Graphics Option"),
    RETAIN_SAFE_PRIVATE("retain-safe-private", "rtnSafePrivOpt", "113111", "Retain Safe Private Option");

    /** CID 7050 code of the profile itself, always recorded. */
    public static final String BASIC_PROFILE_CODE = "113100";
    public static final String BASIC_PROFILE_MEANING = "Basic Application Confidentiality Profile";

    private final String cliName;
    private final String column;
    private final String code;
    private final String meaning;

    DeidOption(String cliName, String column, String code, String meaning) {
        this.cliName = cliName;
        this.column = column;
        this.code = code;
        this.meaning = meaning;
    }

    public String cliName() {
        return cliName;
    }

    /** Key of this option's column in the profile JSON. */
    public String column() {
        return column;
    }

    public String code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The option for a command-line name such as {@code retain-uids}. */
    public static DeidOption ofCliName(String name) {
        return Arrays.stream(values()).filter(o -> o.cliName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown de-identification option '" + name
                        + "'; known: " + String.join(", ", Arrays.stream(values()).map(DeidOption::cliName).toList())));
    }
}
