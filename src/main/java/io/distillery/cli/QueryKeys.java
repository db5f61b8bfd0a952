package io.distillery.cli;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.ElementDictionary;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import io.distillery.dicom.net.QueryRetrieveScu;
import java.util.List;
import picocli.CommandLine.Option;

/** Query/retrieve options shared by find, move and get: model, level and matching keys as Keyword[=value]. */
final class QueryKeys {
    @Option(names = "--model", defaultValue = "STUDY_ROOT",
            description = "Information model: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    QueryRetrieveScu.Model model;

    @Option(names = "--level", defaultValue = "STUDY", description = "PATIENT, STUDY, SERIES or IMAGE (default: ${DEFAULT-VALUE}).")
    String level;

    @Option(names = {"-k", "--key"}, description = "Matching or return key, Keyword=value or Keyword (e.g. -k PatientID=123 -k StudyDate).")
    List<String> keys = List.of();

    Attributes identifier() {
        Attributes a = new Attributes();
        a.setString(Tag.QueryRetrieveLevel, VR.CS, level.toUpperCase(java.util.Locale.ROOT));
        for (String k : keys) {
            int eq = k.indexOf('=');
            String keyword = eq < 0 ? k : k.substring(0, eq);
            int tag = ElementDictionary.tagForKeyword(keyword);
            if (tag == -1) {
                throw new DicomException("unknown attribute keyword '" + keyword + "'");
            }
            VR vr = ElementDictionary.vrOf(tag);
            if (vr == null || !vr.isStringLike()) {
                throw new DicomException("keyword '" + keyword + "' is not a string attribute usable as a query key");
            }
            if (eq < 0) {
                a.setString(tag, vr);
            } else {
                a.setString(tag, vr, k.substring(eq + 1));
            }
        }
        return a;
    }
}
