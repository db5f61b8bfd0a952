package io.distillery.camel;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.ElementDictionary;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** The C-FIND/C-MOVE/C-GET identifier of an exchange. */
final class DicomQueryKeys {
    private DicomQueryKeys() {
    }

    /**
     * An Attributes body is used as is; otherwise the keys come from header DicomQuery (or the endpoint's query
     * option), by attribute keyword. The UID headers (study, series, SOP instance) are added as matching keys, and
     * QueryRetrieveLevel from the endpoint when the identifier lacks it.
     */
    static Attributes identifier(DicomEndpoint endpoint, Exchange exchange) {
        Message in = exchange.getIn();
        Attributes keys = in.getBody() instanceof Attributes a ? a.deepCopy() : new Attributes();
        if (!(in.getBody() instanceof Attributes)) {
            for (Map.Entry<String, String> e : endpoint.queryKeys(in.getHeader(DicomConstants.QUERY, Map.class)).entrySet()) {
                int tag = ElementDictionary.tagForKeyword(e.getKey());
                if (tag == -1) {
                    throw new DicomException("unknown attribute keyword '" + e.getKey() + "' in the query");
                }
                VR vr = ElementDictionary.vrOf(tag);
                if (vr == null || !vr.isStringLike()) {
                    throw new DicomException("'" + e.getKey() + "' is not a string attribute usable as a query key");
                }
                if (e.getValue().isEmpty()) {
                    keys.setString(tag, vr);
                } else {
                    keys.setString(tag, vr, e.getValue());
                }
            }
        }
        uid(keys, Tag.StudyInstanceUID, in.getHeader(DicomConstants.STUDY_INSTANCE_UID, String.class));
        uid(keys, Tag.SeriesInstanceUID, in.getHeader(DicomConstants.SERIES_INSTANCE_UID, String.class));
        uid(keys, Tag.SOPInstanceUID, in.getHeader(DicomConstants.SOP_INSTANCE_UID, String.class));
        if (!keys.containsValue(Tag.QueryRetrieveLevel)) {
            keys.setString(Tag.QueryRetrieveLevel, VR.CS, endpoint.getLevel().toUpperCase(Locale.ROOT));
        }
        return keys;
    }

    private static void uid(Attributes keys, int tag, String value) {
        if (value != null && !keys.containsValue(tag)) {
            keys.setString(tag, VR.UI, value);
        }
    }
}
