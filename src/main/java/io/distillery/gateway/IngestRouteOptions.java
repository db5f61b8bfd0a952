package io.distillery.gateway;

import io.distillery.deid.DeidConfig;
import io.distillery.deid.DeidOption;
import io.distillery.deid.Deidentifier;
import io.distillery.imaging.NormalizeOptions;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.camel.Exchange;

/**
 * Normalisation and de-identification options of one route: the gateway's configured defaults, overridden by
 * exchange properties the route sets ({@code setProperty}). Properties, not headers, because a consumer never fills
 * properties from what a sender puts on the wire (an HTTP consumer copies request headers into message headers),
 * so only the route's author can relax de-identification. The same names and value syntax serve the global
 * {@code distillery.normalize.*} and {@code distillery.deid.*} keys; docs/ingest-options.md lists them.
 */
public final class IngestRouteOptions {
    /** Target grid: {@code 64} (square) or {@code 64x32} (rows x columns). */
    public static final String SIZE = "DistilleryNormalizeSize";
    /** Frame of a multi-frame object: 0-based index, or {@code middle}. */
    public static final String FRAME = "DistilleryNormalizeFrame";
    /** CROP, PAD or STRETCH. */
    public static final String ASPECT = "DistilleryNormalizeAspect";
    /** BILINEAR or BICUBIC (interpolation when enlarging). */
    public static final String ENLARGE = "DistilleryNormalizeEnlarge";
    /** DATASET, PERCENTILE or MIN_MAX; an explicit window is given with {@link #WINDOW}. */
    public static final String VOI = "DistilleryNormalizeVoi";
    /** {@code centre,width}: an explicit window (implies VOI EXPLICIT). */
    public static final String WINDOW = "DistilleryNormalizeWindow";
    /** Which of several dataset windows (or VOI LUTs) to use, 0-based. */
    public static final String WINDOW_INDEX = "DistilleryNormalizeWindowIndex";
    /** {@code low,high}: robust window percentiles. */
    public static final String PERCENTILES = "DistilleryNormalizePercentiles";
    /** Comma-separated de-identification options (deid command names); empty for the basic profile alone. */
    public static final String DEID_OPTIONS = "DistilleryDeidOptions";
    /** {@code true} to de-identify instead of quarantining instances that may carry burned-in text. */
    public static final String DEID_ALLOW_BURNED_IN = "DistilleryDeidAllowBurnedIn";
    /** Per-patient date shift range in days for retain-long-modified-dates. */
    public static final String DEID_MAX_DATE_SHIFT_DAYS = "DistilleryDeidMaxDateShiftDays";

    private final NormalizeOptions normalizeDefaults;
    private final Deidentifier deidDefault;
    private final Map<DeidConfig, Deidentifier> deidentifiers = new ConcurrentHashMap<>();

    public IngestRouteOptions(NormalizeOptions normalizeDefaults, Deidentifier deidDefault) {
        this.normalizeDefaults = normalizeDefaults;
        this.deidDefault = deidDefault;
    }

    /** This exchange's normalisation: the defaults with the route's properties applied. */
    public NormalizeOptions normalize(Exchange exchange) {
        return normalize(name -> property(exchange, name), normalizeDefaults);
    }

    /** This exchange's de-identifier: the default one unless the route set de-identification properties. */
    public Deidentifier deidentifier(Exchange exchange) {
        DeidConfig base = deidDefault.config();
        DeidConfig wanted = deid(name -> property(exchange, name), base);
        // One engine per distinct configuration, so a route's setting does not rebuild it per instance.
        return wanted.equals(base) ? deidDefault : deidentifiers.computeIfAbsent(wanted, Deidentifier::new);
    }

    /**
     * {@code base} with the options that {@code values} (property name to text, null when unset) gives.
     *
     * @throws IllegalArgumentException naming the property, for a value it cannot use
     */
    public static NormalizeOptions normalize(Function<String, String> values, NormalizeOptions base) {
        NormalizeOptions o = base;
        String size = values.apply(SIZE);
        if (size != null) {
            String[] rc = size.toLowerCase(Locale.ROOT).split("x", -1);
            int rows = integer(SIZE, rc[0]);
            int columns = rc.length == 2 ? integer(SIZE, rc[1]) : rows;
            if (rc.length > 2) {
                throw invalid(SIZE, size, "expected N or ROWSxCOLUMNS");
            }
            o = rebuild(SIZE, size, o, x -> new NormalizeOptions(rows, columns, x.frame(), x.aspect(), x.enlarge(),
                    x.voi(), x.windowIndex(), x.windowCenter(), x.windowWidth(), x.lowPercentile(),
                    x.highPercentile()));
        }
        String frame = values.apply(FRAME);
        if (frame != null) {
            o = o.withFrame(frame.trim().equalsIgnoreCase("middle") ? -1 : nonNegative(FRAME, frame));
        }
        String aspect = values.apply(ASPECT);
        if (aspect != null) {
            o = o.withAspect(constant(NormalizeOptions.Aspect.class, ASPECT, aspect));
        }
        String enlarge = values.apply(ENLARGE);
        if (enlarge != null) {
            o = o.withEnlarge(constant(NormalizeOptions.Interpolation.class, ENLARGE, enlarge));
        }
        String voi = values.apply(VOI);
        if (voi != null) {
            NormalizeOptions.Voi v = constant(NormalizeOptions.Voi.class, VOI, voi);
            if (v == NormalizeOptions.Voi.EXPLICIT && values.apply(WINDOW) == null) {
                throw invalid(VOI, voi, "an explicit window is given with " + WINDOW + "=centre,width");
            }
            o = o.withVoi(v);
        }
        String windowIndex = values.apply(WINDOW_INDEX);
        if (windowIndex != null) {
            o = o.withWindowIndex(nonNegative(WINDOW_INDEX, windowIndex));
        }
        String percentiles = values.apply(PERCENTILES);
        if (percentiles != null) {
            double[] p = pair(PERCENTILES, percentiles);
            o = rebuild(PERCENTILES, percentiles, o, x -> x.withPercentiles(p[0], p[1]));
        }
        String window = values.apply(WINDOW);
        if (window != null) {
            double[] w = pair(WINDOW, window);
            o = rebuild(WINDOW, window, o, x -> x.withWindow(w[0], w[1]));
        }
        return o;
    }

    /** {@code base} with the de-identification settings that {@code values} gives (same secret). */
    public static DeidConfig deid(Function<String, String> values, DeidConfig base) {
        Set<DeidOption> options = base.options();
        String names = values.apply(DEID_OPTIONS);
        if (names != null) {
            options = EnumSet.noneOf(DeidOption.class);
            for (String n : names.split(",")) {
                if (!n.isBlank()) {
                    try {
                        options.add(DeidOption.ofCliName(n.trim()));
                    } catch (IllegalArgumentException e) {
                        throw invalid(DEID_OPTIONS, names, e.getMessage());
                    }
                }
            }
        }
        boolean allowBurnedIn = base.allowBurnedIn();
        String allow = values.apply(DEID_ALLOW_BURNED_IN);
        if (allow != null) {
            String a = allow.trim().toLowerCase(Locale.ROOT);
            if (!a.equals("true") && !a.equals("false")) {
                throw invalid(DEID_ALLOW_BURNED_IN, allow, "expected true or false");
            }
            allowBurnedIn = Boolean.parseBoolean(a);
        }
        int shift = base.maxDateShiftDays();
        String days = values.apply(DEID_MAX_DATE_SHIFT_DAYS);
        if (days != null) {
            shift = integer(DEID_MAX_DATE_SHIFT_DAYS, days);
        }
        try {
            return new DeidConfig(options, base.pseudonymizer(), shift, allowBurnedIn);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("de-identification properties: " + e.getMessage(), e);
        }
    }

    private static String property(Exchange exchange, String name) {
        Object v = exchange.getProperty(name);
        return v == null ? null : v.toString();
    }

    private static NormalizeOptions rebuild(String name, String value, NormalizeOptions o,
            Function<NormalizeOptions, NormalizeOptions> change) {
        try {
            return change.apply(o);
        } catch (IllegalArgumentException e) {
            throw invalid(name, value, e.getMessage());
        }
    }

    private static <E extends Enum<E>> E constant(Class<E> type, String name, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(name, value, "expected one of " + EnumSet.allOf(type));
        }
    }

    private static double[] pair(String name, String value) {
        String[] p = value.split(",", -1);
        if (p.length != 2) {
            throw invalid(name, value, "expected two numbers separated by a comma");
        }
        try {
            return new double[] {Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim())};
        } catch (NumberFormatException e) {
            throw invalid(name, value, "expected two numbers separated by a comma");
        }
    }

    private static int nonNegative(String name, String value) {
        int i = integer(name, value);
        if (i < 0) {
            throw invalid(name, value, "must not be negative");
        }
        return i;
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, value, "expected an integer");
        }
    }

    private static IllegalArgumentException invalid(String name, String value, String why) {
        return new IllegalArgumentException("ingest option " + name + "='" + value + "': " + why);
    }
}
