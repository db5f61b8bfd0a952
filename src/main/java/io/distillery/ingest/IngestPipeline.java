package io.distillery.ingest;

import io.distillery.deid.DeidResult;
import io.distillery.deid.Deidentifier;
import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.PixelData;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.codec.DecodedFrame;
import io.distillery.imaging.NormalizeOptions;
import io.distillery.imaging.Normalizer;
import io.distillery.labels.Labeller;
import io.distillery.store.ParkedInstance;
import io.distillery.store.Sample;
import io.distillery.store.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One received instance to one stored sample: read, label (on the original, before its identifiers are gone),
 * de-identify, decode, normalise, store. Every outcome is recorded somewhere a person can see it: a sample in the
 * store, a parked record (no label), or a file in the quarantine folder (burned-in annotation). The caller
 * acknowledges the instance only after {@link #ingest} returned; an exception means nothing was stored.
 */
public final class IngestPipeline {

    /** What happened to one instance. */
    public enum Status { STORED, DUPLICATE, PARKED, QUARANTINED }

    /** The outcome with the pseudonymous key it was recorded under and, when not stored, why. */
    public record Outcome(Status status, String key, String label, String reason) {
    }

    private final Labeller labeller;
    private final Deidentifier deidentifier;
    private final NormalizeOptions normalize;
    private final SampleStore store;
    private final Path quarantineDir;
    private final Path parkedDir;
    private final String route;

    /**
     * @param quarantineDir where instances with burned-in annotation go, as received, with a reason file
     * @param parkedDir where unlabelled instances are kept as received (inside the hospital, like the spool), so
     *     that a later label manifest can still match them
     */
    public IngestPipeline(Labeller labeller, Deidentifier deidentifier, NormalizeOptions normalize, SampleStore store,
            Path quarantineDir, Path parkedDir, String route) {
        this.labeller = labeller;
        this.deidentifier = deidentifier;
        this.normalize = normalize;
        this.store = store;
        this.quarantineDir = quarantineDir;
        this.parkedDir = parkedDir;
        this.route = route;
    }

    /** The normalisation used when the caller gives none. */
    public NormalizeOptions normalizeOptions() {
        return normalize;
    }

    /** The de-identifier used when the caller gives none. */
    public Deidentifier deidentifier() {
        return deidentifier;
    }

    /** Ingests with the pipeline's own normalisation and de-identification. */
    public Outcome ingest(Path file, Map<String, Object> headers) throws IOException {
        return ingest(file, headers, normalize, deidentifier);
    }

    /**
     * Ingests with the given normalisation and de-identifier in place of the pipeline's (a route's own options);
     * label rules, store and folders stay the pipeline's.
     */
    public Outcome ingest(Path file, Map<String, Object> headers, NormalizeOptions normalize,
            Deidentifier deidentifier) throws IOException {
        DicomFile in = DicomFile.read(file);
        Attributes original = in.dataset();
        Optional<String> label = labeller.label(original, headers);
        DeidResult deid = deidentifier.deidentify(original, in.fileMeta());
        String modality = original.getString(Tag.Modality);
        String sopClass = original.getString(Tag.SOPClassUID);
        if (deid.quarantined()) {
            Files.createDirectories(quarantineDir);
            String name = deidentifier.config().pseudonymizer().uid(original.getString(Tag.SOPInstanceUID, "unknown"));
            Path target = quarantineDir.resolve(name + ".dcm");
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(quarantineDir.resolve(name + ".reason.txt"), deid.quarantineReason() + "\n");
            return new Outcome(Status.QUARANTINED, name, label.orElse(null), deid.quarantineReason());
        }
        Attributes ds = deid.dataset();
        String key = ds.getString(Tag.SOPInstanceUID);
        if (label.isEmpty()) {
            String reason = labeller.noMatchReason();
            Files.createDirectories(parkedDir);
            Path kept = parkedDir.resolve(key + ".dcm");
            Files.copy(file, kept, StandardCopyOption.REPLACE_EXISTING);
            store.park(new ParkedInstance(key, reason, modality, sopClass, route, kept.toString(), Instant.now()));
            return new Outcome(Status.PARKED, key, null, reason);
        }
        Sample sample = normalise(ds, in.transferSyntax(), key, label.get(), modality, sopClass, normalize);
        boolean added = store.put(sample);
        return new Outcome(added ? Status.STORED : Status.DUPLICATE, key, label.get(), null);
    }

    private Sample normalise(Attributes ds, TransferSyntax ts, String key, String label, String modality,
            String sopClass, NormalizeOptions normalize) {
        PixelData pixels = PixelData.of(ds, ts);
        int frame = Normalizer.selectFrame(pixels.frames(), normalize);
        DecodedFrame decoded = pixels.frame(frame);
        Normalizer.Result r = Normalizer.normalize(ds, pixels.image(), decoded.photometricInterpretation(), frame,
                decoded.data(), pixels.isFloat(), normalize);
        return new Sample(key, ds.getString(Tag.StudyInstanceUID), ds.getString(Tag.PatientID), label,
                new Sample.Provenance(modality, sopClass, ts.uid(), route, Instant.now()), r.rows(), r.columns(),
                r.pixels());
    }
}
