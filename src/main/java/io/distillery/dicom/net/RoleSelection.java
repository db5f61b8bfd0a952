package io.distillery.dicom.net;

/**
 * SCP/SCU role selection sub-item (PS3.7 D.3.3.4): which roles the requestor may take for a SOP class. C-GET needs
 * it, since the retrieving SCU acts as Storage SCP on the same association.
 */
public record RoleSelection(String sopClass, boolean scu, boolean scp) {
}
