package io.distillery.gateway;

import io.distillery.deid.DeidConfig;
import io.distillery.imaging.NormalizeOptions;
import java.util.HashMap;
import java.util.Map;

/** The gateway's {@code distillery.normalize.*} and {@code distillery.deid.*} keys, read with the route syntax. */
final class GlobalIngestOptions {

    private GlobalIngestOptions() {
    }

    static NormalizeOptions normalize(GatewayConfig.Normalize c) {
        Map<String, String> v = new HashMap<>();
        v.put(IngestRouteOptions.SIZE, Integer.toString(c.size()));
        v.put(IngestRouteOptions.FRAME, c.frame());
        v.put(IngestRouteOptions.ASPECT, c.aspect());
        v.put(IngestRouteOptions.ENLARGE, c.enlarge());
        v.put(IngestRouteOptions.VOI, c.voi());
        c.window().ifPresent(w -> v.put(IngestRouteOptions.WINDOW, w));
        v.put(IngestRouteOptions.WINDOW_INDEX, Integer.toString(c.windowIndex()));
        v.put(IngestRouteOptions.PERCENTILES, c.percentiles());
        return IngestRouteOptions.normalize(v::get, NormalizeOptions.defaults());
    }

    static DeidConfig deid(GatewayConfig.Deid c, DeidConfig base) {
        Map<String, String> v = new HashMap<>();
        c.options().ifPresent(o -> v.put(IngestRouteOptions.DEID_OPTIONS, o));
        v.put(IngestRouteOptions.DEID_ALLOW_BURNED_IN, Boolean.toString(c.allowBurnedIn()));
        v.put(IngestRouteOptions.DEID_MAX_DATE_SHIFT_DAYS, Integer.toString(c.maxDateShiftDays()));
        return IngestRouteOptions.deid(v::get, base);
    }
}
