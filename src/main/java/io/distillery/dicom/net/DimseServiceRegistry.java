package io.distillery.dicom.net;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The services an application entity provides; requests nobody handles are answered "SOP class not supported". */
public final class DimseServiceRegistry {
    private final List<DimseService> services = new CopyOnWriteArrayList<>();

    public DimseServiceRegistry add(DimseService service) {
        services.add(service);
        return this;
    }

    public DimseService find(int commandField, String sopClass) {
        for (DimseService s : services) {
            if (s.handles(commandField, sopClass)) {
                return s;
            }
        }
        return null;
    }

    /** Closes every service (a server does this when it closes, after its associations have ended). */
    public void close() {
        for (DimseService s : services) {
            s.close();
        }
    }

    void dispatch(Association association, DimseMessage rq) throws IOException {
        DimseService s = find(rq.commandField(), rq.sopClass());
        if (s == null) {
            if (rq.commandField() != Dimse.C_CANCEL_RQ) {
                association.send(rq.pcid(), Dimse.response(rq.command(), Status.SOP_CLASS_NOT_SUPPORTED, false), null);
            }
            return;
        }
        s.onRequest(association, rq);
    }
}
