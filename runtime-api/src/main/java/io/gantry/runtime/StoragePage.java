package io.gantry.runtime;

import java.util.List;

/** A page of a storage listing; {@code cursor} is "" on the last page. */
public record StoragePage(List<StorageObject> objects, String cursor) {

    public StoragePage {
        objects = List.copyOf(objects);
    }
}
