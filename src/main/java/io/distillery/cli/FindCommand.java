package io.distillery.cli;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.ElementDictionary;
import io.distillery.dicom.Tag;
import io.distillery.dicom.net.QueryRetrieveScu;
import io.distillery.dicom.net.RemoteAe;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dicom find AET@host:port --level STUDY -k PatientID=X -k StudyInstanceUID}: one line per match. */
@Command(name = "find", mixinStandardHelpOptions = true,
        description = "Query a peer with C-FIND; prints one line per match, Keyword=value separated by tabs.")
public final class FindCommand implements Callable<Integer> {
    @Mixin
    NetworkOptions net;

    @Mixin
    QueryKeys query;

    @Parameters(index = "0", paramLabel = "AET@HOST:PORT", description = "The peer to query.")
    String peer;

    @Override
    public Integer call() {
        List<Attributes> matches = QueryRetrieveScu.find(net.client(), RemoteAe.parse(peer), query.model,
                query.identifier());
        for (Attributes m : matches) {
            StringBuilder line = new StringBuilder();
            for (int tag : m.tags()) {
                if (tag == Tag.SpecificCharacterSet) {
                    continue;
                }
                if (line.length() > 0) {
                    line.append('\t');
                }
                line.append(ElementDictionary.keywordOf(tag)).append('=').append(m.getString(tag, ""));
            }
            System.out.println(line);
        }
        System.err.println("find: " + matches.size() + " matches");
        return 0;
    }
}
