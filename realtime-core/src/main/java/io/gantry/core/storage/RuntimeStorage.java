package io.gantry.core.storage;

import io.gantry.core.ServiceException;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.RefusedException;
import io.gantry.runtime.Storage;
import io.gantry.runtime.StorageAck;
import io.gantry.runtime.StorageDelete;
import io.gantry.runtime.StorageObject;
import io.gantry.runtime.StorageObjectId;
import io.gantry.runtime.StoragePage;
import io.gantry.runtime.StorageWrite;

import java.util.List;
import java.util.Objects;

/**
 * {@link Storage} for server code: the {@link StorageService}'s authoritative calls (no read or
 * write permissions; versions and every input rule still apply). A refusal is a
 * {@link RefusedException} with the same code and message a client would get.
 *
 * <p>Threads: any thread that may block (it reads and writes the store), e.g. an RPC function's
 * or a hook's; not a match handler's lane for long writes.
 */
public final class RuntimeStorage implements Storage {

    private final StorageService service;

    public RuntimeStorage(StorageService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    @Override
    public List<StorageObject> read(List<StorageObjectId> ids) {
        try {
            return service.read(ids);
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    @Override
    public List<StorageAck> write(List<StorageWrite> writes) {
        try {
            return service.write(writes, null, true);
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    @Override
    public void delete(List<StorageDelete> deletes) {
        try {
            service.delete(deletes, null, true);
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    @Override
    public StoragePage list(String userId, String collection, int limit, String cursor) {
        try {
            return service.listAll(userId, collection, limit, cursor);
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    private static RefusedException refused(ServiceException e) {
        return new RefusedException(ErrorCode.valueOf(e.kind().name()), e.getMessage());
    }
}
