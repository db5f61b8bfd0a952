package io.distillery.dicom.net;

import io.distillery.dicom.SopClasses;
import io.distillery.dicom.TransferSyntax;
import java.util.List;

/**
 * What an SCP accepts for one abstract syntax: the transfer syntaxes in its order of preference. The wildcard
 * {@link #ANY_STORAGE} stands for every storage SOP class of the standard, {@link #ANY} for every registered
 * transfer syntax (the requestor's first proposal that is registered then wins).
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
        String chosen = null;
        if (cap.transferSyntaxes.contains(ANY)) {
            chosen = proposed.transferSyntaxes().stream().filter(ts -> TransferSyntax.lookup(ts).isPresent()).findFirst()
                    .orElse(null);
        } else {
            chosen = cap.transferSyntaxes.stream().filter(proposed.transferSyntaxes()::contains).findFirst().orElse(null);
        }
        if (chosen == null) {
            return new PresentationContext(proposed.id(), null, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid()),
                    PresentationContext.TRANSFER_SYNTAXES_NOT_SUPPORTED);
        }
        return new PresentationContext(proposed.id(), proposed.abstractSyntax(), List.of(chosen),
                PresentationContext.ACCEPTANCE);
    }
}
