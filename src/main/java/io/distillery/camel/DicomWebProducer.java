package io.distillery.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.net.FileMetaInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultProducer;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.hc.client5.http.entity.mime.FileBody;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.client5.http.entity.mime.MultipartPartBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeTokenStream;

/**
 * DICOMweb client (PS3.18): QIDO-RS, WADO-RS and STOW-RS as requests through Camel's {@code http} component. Each
 * request runs on a fresh internal exchange so the route's headers never leak into HTTP headers.
 */
class DicomWebProducer extends DefaultProducer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DICOM = "application/dicom";
    private static final String DICOM_JSON = "application/dicom+json";

    private final DicomEndpoint endpoint;
    private Producer http;

    DicomWebProducer(DicomEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        String base = endpoint.getUrl();
        if (base == null || !(base.startsWith("http://") || base.startsWith("https://"))) {
            throw new IllegalArgumentException("dicom:" + endpoint.getOperation() + " needs url=http(s)://host:port/path");
        }
        // We read status codes ourselves (STOW answers 202/409 with a body that says what failed) and stream WADO
        // responses straight to disk instead of caching them in memory.
        String options = "throwExceptionOnFailure=false&disableStreamCache=true";
        Endpoint httpEndpoint = getEndpoint().getCamelContext()
                .getEndpoint(stripSlash(base) + (base.contains("?") ? "&" : "?") + options);
        http = httpEndpoint.createProducer();
        ServiceHelper.startService(http);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(http);
        super.doStop();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        switch (endpoint.getOperation()) {
            case qido -> qido(exchange);
            case wado -> wado(exchange);
            case stow -> stow(exchange);
            default -> throw new IllegalStateException("not a DICOMweb operation: " + endpoint.getOperation());
        }
    }

    private void qido(Exchange exchange) throws Exception {
        String study = exchange.getIn().getHeader(DicomConstants.STUDY_INSTANCE_UID, String.class);
        String series = exchange.getIn().getHeader(DicomConstants.SERIES_INSTANCE_UID, String.class);
        String path = switch (endpoint.getLevel()) {
            case "STUDY" -> "studies";
            case "SERIES" -> study != null ? "studies/" + study + "/series" : "series";
            case "IMAGE" -> study != null && series != null ? "studies/" + study + "/series/" + series + "/instances"
                    : study != null ? "studies/" + study + "/instances" : "instances";
            default -> throw new IllegalArgumentException("QIDO-RS has no level " + endpoint.getLevel());
        };
        Map<String, String> keys = endpoint.queryKeys(exchange.getIn().getHeader(DicomConstants.QUERY, Map.class));
        // Empty values are return keys (includefield); the others match.
        String query = keys.entrySet().stream()
                .map(e -> e.getValue().isEmpty() ? "includefield=" + enc(e.getKey()) : enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        Exchange rsp = call("GET", path, query.isEmpty() ? null : query, DICOM_JSON, null);
        try {
            int code = status(rsp);
            List<Object> matches = new ArrayList<>();
            if (code == 200) {
                try (InputStream in = body(rsp)) {
                    JsonNode array = JSON.readTree(in);
                    array.forEach(n -> matches.add(JSON.convertValue(n, Map.class)));
                }
            } else if (code != 204) {
                throw failure(rsp, "QIDO-RS " + path);
            }
            exchange.getMessage().setBody(matches);
            exchange.getMessage().setHeader(DicomConstants.RESULT_COUNT, matches.size());
        } finally {
            done(rsp);
        }
    }

    private void wado(Exchange exchange) throws Exception {
        String study = exchange.getIn().getHeader(DicomConstants.STUDY_INSTANCE_UID, String.class);
        String series = exchange.getIn().getHeader(DicomConstants.SERIES_INSTANCE_UID, String.class);
        String sop = exchange.getIn().getHeader(DicomConstants.SOP_INSTANCE_UID, String.class);
        if (study == null) {
            throw new DicomException("dicom:wado needs header " + DicomConstants.STUDY_INSTANCE_UID);
        }
        if (endpoint.getDirectory() == null) {
            throw new DicomException("dicom:wado needs directory=...");
        }
        String path = "studies/" + study + (series == null ? "" : "/series/" + series + (sop == null ? "" : "/instances/" + sop));
        Path dir = Files.createDirectories(Path.of(endpoint.getDirectory()));
        Exchange rsp = call("GET", path, null, "multipart/related; type=\"application/dicom\"", null);
        List<Path> written = new ArrayList<>();
        try {
            if (status(rsp) != 200) {
                throw failure(rsp, "WADO-RS " + path);
            }
            String contentType = rsp.getMessage().getHeader("Content-Type", String.class);
            try (InputStream in = body(rsp)) {
                MimeTokenStream parts = new MimeTokenStream();
                parts.parseHeadless(in, contentType);
                int n = 0;
                for (EntityState s = parts.getState(); s != EntityState.T_END_OF_STREAM; s = parts.next()) {
                    if (s == EntityState.T_BODY) {
                        written.add(writeInstance(dir, parts.getDecodedInputStream(), n++));
                    }
                }
            } catch (MimeException e) {
                throw new DicomException("WADO-RS " + path + ": malformed multipart response: " + e.getMessage(), e);
            }
        } finally {
            done(rsp);
        }
        exchange.getMessage().setBody(written);
        exchange.getMessage().setHeader(DicomConstants.RESULT_COUNT, written.size());
    }

    /** Streams one part to disk, then names it after its SOP Instance UID (a bad part keeps a .part name). */
    private static Path writeInstance(Path dir, InputStream part, int index) throws IOException {
        Path tmp = Files.createTempFile(dir, "wado-" + index + "-", ".part");
        Files.copy(part, tmp, StandardCopyOption.REPLACE_EXISTING);
        String sop;
        try {
            sop = FileMetaInfo.read(tmp).sopInstance();
        } catch (DicomException e) {
            throw new DicomException("WADO-RS part " + index + " is not a DICOM Part 10 instance (kept as " + tmp
                    + "): " + e.getMessage(), e);
        }
        if (sop == null || !sop.matches("[0-9]+(\\.[0-9]+)*") || sop.length() > 64) {
            // Never let a server choose a path: only a syntactically valid UID becomes a file name.
            throw new DicomException("WADO-RS part " + index + " has an invalid SOP Instance UID (kept as " + tmp + ")");
        }
        return Files.move(tmp, dir.resolve(sop + ".dcm"), StandardCopyOption.REPLACE_EXISTING);
    }

    private void stow(Exchange exchange) throws Exception {
        List<Path> files = DicomBodies.files(exchange);
        MultipartEntityBuilder mp = MultipartEntityBuilder.create()
                .setContentType(ContentType.create("multipart/related", new BasicNameValuePair("type", DICOM)));
        for (Path f : files) {
            mp.addPart(MultipartPartBuilder.create().setBody(new FileBody(f.toFile(), ContentType.create(DICOM)))
                    .build());
        }
        String study = exchange.getIn().getHeader(DicomConstants.STUDY_INSTANCE_UID, String.class);
        String path = study == null ? "studies" : "studies/" + study;
        Exchange rsp = call("POST", path, null, DICOM_JSON, mp.build());
        try {
            int code = status(rsp);
            JsonNode result = null;
            String type = rsp.getMessage().getHeader("Content-Type", "", String.class);
            try (InputStream in = body(rsp)) {
                // The store response (PS3.18 10.5.3) says per instance what was stored and what failed.
                if (in != null && type.contains("json")) {
                    result = JSON.readTree(in);
                }
            }
            int stored = count(result, "00081199");
            int failed = count(result, "00081198");
            exchange.getMessage().setHeader(DicomConstants.STORED_COUNT, stored);
            if (code != 200 || failed > 0 || stored != files.size()) {
                throw new DicomException("STOW-RS to " + endpoint.getUrl() + " answered HTTP " + code + ": " + stored
                        + " of " + files.size() + " stored, " + failed + " failed" + failureReasons(result));
            }
        } finally {
            done(rsp);
        }
    }

    private static int count(JsonNode result, String tag) {
        JsonNode values = result == null ? null : result.path(tag).path("Value");
        return values == null || !values.isArray() ? 0 : values.size();
    }

    private static String failureReasons(JsonNode result) {
        if (result == null) {
            return "";
        }
        List<String> reasons = new ArrayList<>();
        for (JsonNode item : result.path("00081198").path("Value")) {
            reasons.add(item.path("00081155").path("Value").path(0).asText("?") + " reason "
                    + item.path("00081197").path("Value").path(0).asText("?"));
        }
        return reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")";
    }

    private Exchange call(String method, String path, String query, String accept, HttpEntity entity) throws Exception {
        Exchange ex = getEndpoint().createExchange();
        ex.getIn().setHeader(Exchange.HTTP_METHOD, method);
        ex.getIn().setHeader(Exchange.HTTP_PATH, path);
        if (query != null) {
            ex.getIn().setHeader(Exchange.HTTP_QUERY, query);
        }
        ex.getIn().setHeader("Accept", accept);
        if (entity != null) {
            ex.getIn().setHeader(Exchange.CONTENT_TYPE, entity.getContentType());
        }
        ex.getIn().setBody(entity);
        http.process(ex);
        if (ex.getException() != null) {
            throw new DicomException(method + " " + endpoint.getUrl() + "/" + path + " failed: "
                    + ex.getException().getMessage(), ex.getException());
        }
        return ex;
    }

    private static int status(Exchange rsp) {
        return rsp.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
    }

    private static InputStream body(Exchange rsp) {
        return rsp.getMessage().getBody(InputStream.class);
    }

    private DicomException failure(Exchange rsp, String what) {
        String text = rsp.getMessage().getBody(String.class);
        return new DicomException(what + " on " + endpoint.getUrl() + " answered HTTP " + status(rsp)
                + (text == null || text.isBlank() ? "" : ": " + text.strip()));
    }

    /** Releases the HTTP connection: the http producer defers that to the exchange's completion. */
    private static void done(Exchange rsp) {
        List<Synchronization> completions = rsp.getExchangeExtension().handoverCompletions();
        if (completions != null) {
            completions.forEach(s -> s.onComplete(rsp));
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
