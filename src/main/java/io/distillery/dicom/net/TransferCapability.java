package io.distillery.dicom.net;

import io.distillery.dicom.SopClasses;
import io.distillery.dicom.TransferSyntax;
import java.util.List;

/**
 * What an SCP accepts for one abstract syntax: a set of transfer syntaxes. The wildcard {@link #ANY_STORAGE} stands
 * for every storage SOP class of the standard, {@link #ANY} for every registered transfer syntax. Of the syntaxes
 * proposed in a context, the requestor's first acceptable one wins: the proposer lists them in its order of
 * preference (PS3.8 9.3.2.2), and an archive stores what it gets as received, so it has no reason to override it.
 */
public record TransferCapability(String sopClass, List<String> transferSyntaxes) {
    public static final String ANY_STORAGE = "*storage";
    public static final String ANY = "*";
    public static final List<String> UNCOMPRESSED = List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(),
            TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid());

    public TransferCapability {
        transferSyntaxes = List.copyOf(transferSyntaxes);
    }

    public static TransferCapability verification() {
        return new TransferCapability(io.distillery.dicom.SopClasses.VERIFICATION, UNCOMPRESSED);
    }

    /** Every storage SOP class in any registered transfer syntax. */
    public static TransferCapability anyStorage() {
        return new TransferCapability(ANY_STORAGE, List.of(ANY));
    }

    /**
     * Every storage SOP class in the given transfer syntaxes; an empty list means every registered one. An unknown
     * UID is a {@link io.distillery.dicom.DicomException}: a typo must not silently narrow what an archive accepts.
     */
    public static TransferCapability storage(List<String> transferSyntaxes) {
        if (transferSyntaxes.isEmpty()) {
            return anyStorage();
        }
        for (String ts : transferSyntaxes) {
            TransferSyntax.of(ts);
        }
        return new TransferCapability(ANY_STORAGE, transferSyntaxes);
    }

    boolean matches(String abstractSyntax) {
        return sopClass.equals(abstractSyntax) || (ANY_STORAGE.equals(sopClass) && SopClasses.isStorage(abstractSyntax));
    }

    /** The answer to one proposed context under these capabilities. */
    static PresentationContext negotiate(List<TransferCapability> caps, PresentationContext proposed) {
        TransferCapability cap = null;
        for (TransferCapability c : caps) {
            if (proposed.abstractSyntax() != null && c.matches(proposed.abstractSyntax())) {
                cap = c;
                break;
            }
        }
        if (cap == null) {
            return new PresentationContext(proposed.id(), null, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid()),
                    PresentationContext.ABSTRACT_SYNTAX_NOT_SUPPORTED);
        }
        List<String> acceptable = cap.transferSyntaxes;
        boolean any = acceptable.contains(ANY);
        String chosen = proposed.transferSyntaxes().stream()
                .filter(ts -> any ? TransferSyntax.lookup(ts).isPresent() : acceptable.contains(ts))
                .findFirst().orElse(null);
        if (chosen == null) {
            return new PresentationContext(proposed.id(), null, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid()),
                    PresentationContext.TRANSFER_SYNTAXES_NOT_SUPPORTED);
        }
        return new PresentationContext(proposed.id(), proposed.abstractSyntax(), List.of(chosen),
                PresentationContext.ACCEPTANCE);
    }
}
