package io.distillery.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A DICOM Part 10 file as read: its File Meta Information (empty when the file had none), its dataset, and the
 * transfer syntax the dataset was encoded in (from (0002,0010), or detected for a bare dataset).
 */
public record DicomFile(Attributes fileMeta, Attributes dataset, TransferSyntax transferSyntax) {

    /** Reads a file; pixel data and large values stay in the file as {@link BulkData}. */
    public static DicomFile read(Path path) throws IOException {
        return DicomReader.read(path);
    }

    /** Reads from a stream, loading every value. */
    public static DicomFile read(InputStream in) throws IOException {
        return DicomReader.read(in);
    }

    /** Writes this file's dataset to {@code path} in {@code ts}, refreshing the meta information. */
    public void write(Path path, TransferSyntax ts) throws IOException {
        DicomWriter.write(path, fileMeta, dataset, ts);
    }

    /** Writes as a Part 10 stream in {@code ts}. */
    public void write(OutputStream out, TransferSyntax ts) throws IOException {
        DicomWriter.write(out, fileMeta, dataset, ts, DicomWriter.Options.DEFAULT);
    }
}
