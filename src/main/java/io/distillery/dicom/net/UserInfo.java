package io.distillery.dicom.net;

import java.util.List;

/**
 * The user information item of A-ASSOCIATE-RQ/AC: maximum PDU length the sender can receive (0: unlimited),
 * implementation identification and role selections. An asynchronous operations window is parsed and then
 * answered as 1/1 (not supported, which the standard allows).
 */
public record UserInfo(long maxPduLength, String implementationClassUid, String implementationVersionName,
        List<RoleSelection> roleSelections) {
    public UserInfo {
        roleSelections = List.copyOf(roleSelections);
    }
}
