package io.distillery.outbound;

import io.distillery.review.ReviewQueue;
import io.distillery.review.ReviewStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.jboss.logging.Logger;

/**
 * What the outbound routes ({@code routes/outbound.yaml}) call, as bean {@code outbound}: claim the approved
 * packages due for a destination, check each against its approved manifest, hand its files to the destination's
 * Camel endpoint, and record the outcome with retries, backoff and dead letters.
 *
 * <p>Only packages the review queue lists as APPROVED are ever queued, and only the bytes of the approved manifest
 * leave: a package that changed after review is dead-lettered, not sent.
 */
public final class Outbound {
    /** Header: the {@link Delivery} being worked on. */
    public static final String DELIVERY = "DistilleryDelivery";
    public static final String PACKAGE_ID = "DistilleryPackageId";
    public static final String MANIFEST_SHA256 = "DistilleryManifestSha256";
    public static final String DESTINATION = "DistilleryDestination";
    /** Header on each split file message: its path inside the package, '/'-separated. */
    public static final String FILE = "DistilleryFile";
    /** Header: target folder of the folder destination. */
    public static final String FOLDER = "DistilleryFolder";

    private static final Logger LOG = Logger.getLogger(Outbound.class);

    private final ReviewQueue reviewQueue;
    private final DeliveryLedger ledger;
    private final RetryPolicy retry;
    private final Duration lease;
    private final int batch;
    private final String owner;
    private final List<DeliveryListener> listeners;

    /**
     * @param lease how long a claimed delivery is ours; after that another replica (or we, restarted) may take it
     *              over, so it must exceed the longest single delivery
     * @param batch most deliveries claimed per poll and destination
     */
    public Outbound(ReviewQueue reviewQueue, DeliveryLedger ledger, RetryPolicy retry, Duration lease, int batch,
            List<DeliveryListener> listeners) {
        this.reviewQueue = Objects.requireNonNull(reviewQueue);
        this.ledger = Objects.requireNonNull(ledger);
        this.retry = Objects.requireNonNull(retry);
        this.lease = Objects.requireNonNull(lease);
        this.batch = batch;
        this.owner = "replica-" + UUID.randomUUID();
        this.listeners = List.copyOf(listeners);
    }

    public DeliveryLedger ledger() {
        return ledger;
    }

    /** Queues newly approved packages for {@code destination} and claims those due now. */
    public List<Delivery> claim(String destination) {
        ledger.enqueue(reviewQueue.list(ReviewStatus.APPROVED), destination);
        return ledger.claim(destination, owner, lease, batch);
    }

    /**
     * Body: a claimed {@link Delivery}. Checks the package against its approved manifest and sets the headers the
     * destination steps use; the body becomes the package folder.
     */
    public void open(Exchange exchange) {
        Delivery d = exchange.getIn().getBody(Delivery.class);
        if (d == null) {
            throw new OutboundException("outbound.open expects a claimed delivery in the body", false);
        }
        Message in = exchange.getIn();
        in.setHeader(DELIVERY, d);
        in.setHeader(PACKAGE_ID, d.packageId());
        in.setHeader(MANIFEST_SHA256, d.manifestSha256());
        in.setHeader(DESTINATION, d.destination());
        PackageIntegrity.check(d.packageDir(), d.manifestSha256());
        in.setBody(d.packageDir());
    }

    /** The package's DICOM objects (for dicom:store and dicom:stow) as the body: a list of files. */
    public List<Path> dicomFiles(Exchange exchange) {
        Delivery d = delivery(exchange);
        List<Path> dicom = PackageIntegrity.check(d.packageDir(), d.manifestSha256()).stream()
                .filter(rel -> rel.endsWith(".dcm")).map(d.packageDir()::resolve).toList();
        if (dicom.isEmpty()) {
            throw new OutboundException(d.describe() + ": the package holds no DICOM objects", false);
        }
        return dicom;
    }

    /**
     * One message per package file for a split (S3, SFTP): body the file, header {@link #FILE} its path in the
     * package, the parent's headers kept. The manifest comes last: a partner that sees it has the rest.
     */
    public List<Message> packageFiles(Exchange exchange) {
        Delivery d = delivery(exchange);
        List<Message> out = new ArrayList<>();
        for (String rel : PackageIntegrity.check(d.packageDir(), d.manifestSha256())) {
            Message m = new DefaultMessage(exchange.getContext());
            m.setHeaders(new java.util.HashMap<>(exchange.getIn().getHeaders()));
            m.setHeader(FILE, rel);
            m.setBody(d.packageDir().resolve(rel).toFile());
            out.add(m);
        }
        return out;
    }

    /**
     * The folder destination: an atomic, verified copy to the folder in header {@link #FOLDER}, as
     * &lt;folder&gt;/&lt;package id&gt;.
     */
    public Path copyToFolder(Exchange exchange) {
        Delivery d = delivery(exchange);
        String folder = exchange.getIn().getHeader(FOLDER, String.class);
        if (folder == null || folder.isBlank()) {
            throw new OutboundException("no " + FOLDER + " header: set the target folder first", false);
        }
        return FolderCopy.deliver(d.packageDir(), d.packageId(), d.manifestSha256(), Path.of(folder));
    }

    /** Records that the destination confirmed the whole package. */
    public void delivered(Exchange exchange) {
        Delivery d = delivery(exchange);
        if (!ledger.delivered(d)) {
            LOG.warnf("%s was delivered, but our lease had expired and another replica owns it now; raise"
                    + " distillery.outbound.lease if deliveries take that long", d.describe());
        }
        LOG.infof("delivered %s (attempt %d)", d.describe(), d.attempt());
        notify(l -> l.delivered(d));
    }

    /**
     * Records the failure caught by the route's doCatch: another attempt after the backoff, or, when retries are
     * exhausted or retrying cannot help, a dead letter with an alert (ERROR log, listeners, metric).
     */
    public void failed(Exchange exchange) {
        Delivery d = exchange.getIn().getHeader(DELIVERY, Delivery.class);
        if (d == null) {
            d = exchange.getIn().getBody(Delivery.class);
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        String error = describe(cause);
        boolean retryable = true;
        for (Throwable c = cause; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof OutboundException oe && !oe.retryable()) {
                retryable = false;
            }
        }
        Delivery failed = Objects.requireNonNull(d, "no delivery on the failed exchange");
        if (!retryable || retry.exhausted(failed.attempt())) {
            ledger.deadLetter(failed, error);
            LOG.errorf("ALERT dead letter: %s failed after %d attempt(s) and will not be retried until requeued: %s",
                    failed.describe(), failed.attempt(), error);
            notify(l -> l.deadLettered(failed, error));
        } else {
            Instant next = Instant.now().plus(retry.delayAfter(failed.attempt()));
            ledger.retryLater(failed, error, next);
            LOG.warnf("%s attempt %d of %d failed, next at %s: %s", failed.describe(), failed.attempt(),
                    retry.maxAttempts(), next, error);
            notify(l -> l.failed(failed, error, next));
        }
    }

    private static Delivery delivery(Exchange exchange) {
        Delivery d = exchange.getIn().getHeader(DELIVERY, Delivery.class);
        if (d == null) {
            throw new OutboundException("no " + DELIVERY + " header: call outbound.open first", false);
        }
        return d;
    }

    /** The innermost cause's message: Camel wraps a peer's answer in split and endpoint exceptions. */
    private static String describe(Throwable t) {
        if (t == null) {
            return "failed without an exception";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return root == t || root instanceof OutboundException ? orName(root, msg)
                : root.getClass().getSimpleName() + ": " + orName(root, msg);
    }

    private static String orName(Throwable t, String msg) {
        return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
    }

    private void notify(java.util.function.Consumer<DeliveryListener> event) {
        for (DeliveryListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.errorf(e, "delivery listener %s failed", l.getClass().getName());
            }
        }
    }
}
