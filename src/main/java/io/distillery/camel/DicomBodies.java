package io.distillery.camel;

import io.distillery.dicom.DicomException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.WrappedFile;

/** Reads the Part 10 files a producer sends from the message body. */
final class DicomBodies {
    private DicomBodies() {
    }

    /**
     * The body as files: a File, Path, file name String, a camel-file GenericFile, or a collection of any of these
     * (e.g. the list built by the study aggregation strategy).
     */
    static List<Path> files(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        List<Path> files = new ArrayList<>();
        if (body instanceof Collection<?> c) {
            for (Object o : c) {
                files.add(toPath(o));
            }
        } else {
            files.add(toPath(body));
        }
        for (Path p : files) {
            if (!Files.isRegularFile(p)) {
                throw new DicomException("not a readable file: " + p);
            }
        }
        return files;
    }

    private static Path toPath(Object o) {
        if (o instanceof Path p) {
            return p;
        }
        if (o instanceof File f) {
            return f.toPath();
        }
        if (o instanceof WrappedFile<?> w) {
            return toPath(w.getFile());
        }
        if (o instanceof CharSequence s) {
            return Path.of(s.toString());
        }
        throw new DicomException("expected a file, path or list of them in the body, got "
                + (o == null ? "null" : o.getClass().getName()));
    }
}
