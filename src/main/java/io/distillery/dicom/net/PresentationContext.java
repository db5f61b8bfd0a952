package io.distillery.dicom.net;

import java.util.List;

/**
 * A presentation context (PS3.8 7.1.1.13): in a request, an abstract syntax with the transfer syntaxes proposed for
 * it; in an accept, the result and the one transfer syntax chosen.
 */
public record PresentationContext(int id, String abstractSyntax, List<String> transferSyntaxes, int result) {
    public static final int ACCEPTANCE = 0;
    public static final int USER_REJECTION = 1;
    public static final int NO_REASON = 2;
    public static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    public static final int TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    public PresentationContext {
        transferSyntaxes = List.copyOf(transferSyntaxes);
    }

    public static PresentationContext proposed(int id, String abstractSyntax, List<String> transferSyntaxes) {
        return new PresentationContext(id, abstractSyntax, transferSyntaxes, ACCEPTANCE);
    }

    public boolean accepted() {
        return result == ACCEPTANCE;
    }

    /** The single transfer syntax of an accepted context. */
    public String transferSyntax() {
        return transferSyntaxes.isEmpty() ? null : transferSyntaxes.get(0);
    }

    public static String resultText(int result) {
        return switch (result) {
            case ACCEPTANCE -> "accepted";
            case USER_REJECTION -> "rejected by the user";
            case NO_REASON -> "rejected (no reason)";
            case ABSTRACT_SYNTAX_NOT_SUPPORTED -> "abstract syntax not supported";
            case TRANSFER_SYNTAXES_NOT_SUPPORTED -> "transfer syntaxes not supported";
            default -> "result " + result;
        };
    }
}
