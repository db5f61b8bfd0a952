package io.distillery.camel;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Collects the instances of one study for the study-complete signal: the aggregated body is an
 * {@code ArrayList<String>} of the durable file paths of the instances (the file the route last wrote, i.e. header
 * {@code CamelFileNameProduced}, else the body's file), in arrival order, and header {@code DicomInstanceCount} counts
 * them. Only JDK types are kept so that the JDBC aggregation repository can persist the partial study with its
 * default deserialisation filter. Use it with correlation on header {@code DicomStudyInstanceUID} and a
 * {@code completionTimeout} (the quiet period).
 */
public class StudyInstancesAggregationStrategy implements AggregationStrategy {
    /** Number of instances in the aggregated study. */
    public static final String INSTANCE_COUNT = "DicomInstanceCount";
    /** SOP Instance UIDs of the aggregated instances, comma-separated, in the same order as the body. */
    public static final String SOP_INSTANCE_UIDS = "DicomSopInstanceUIDs";

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        String path = instancePath(newExchange);
        String sop = newExchange.getIn().getHeader(DicomConstants.SOP_INSTANCE_UID, "", String.class);
        Exchange study = oldExchange == null ? newExchange : oldExchange;
        ArrayList<String> paths = new ArrayList<>();
        String uids = "";
        if (oldExchange != null) {
            paths.addAll(oldExchange.getIn().getBody(List.class));
            uids = oldExchange.getIn().getHeader(SOP_INSTANCE_UIDS, "", String.class);
        }
        paths.add(path);
        study.getIn().setBody(paths);
        study.getIn().setHeader(SOP_INSTANCE_UIDS, uids.isEmpty() ? sop : uids + "," + sop);
        study.getIn().setHeader(INSTANCE_COUNT, paths.size());
        removeInstanceHeaders(study.getIn(), SOP_INSTANCE_UIDS);
        return study;
    }

    /** Per-instance headers would describe only the first instance: drops them from a study exchange. */
    static void removeInstanceHeaders(Message study, String... keep) {
        study.removeHeaders("DicomSop*", keep);
        study.removeHeader(DicomConstants.SERIES_INSTANCE_UID);
        study.removeHeader(DicomConstants.TRANSFER_SYNTAX_UID);
        study.removeHeader(DicomConstants.FILE_SIZE);
    }

    private static String instancePath(Exchange exchange) {
        String produced = exchange.getIn().getHeader(Exchange.FILE_NAME_PRODUCED, String.class);
        if (produced != null) {
            return produced;
        }
        File file = exchange.getIn().getBody(File.class);
        if (file == null) {
            throw new IllegalArgumentException("study aggregation needs the instance's file: write it with to: file:..."
                    + " first, or keep a file in the body");
        }
        return file.getAbsolutePath();
    }
}
