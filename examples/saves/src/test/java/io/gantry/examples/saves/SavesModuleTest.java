package io.gantry.examples.saves;

import io.gantry.runtime.RefusedException;
import io.gantry.runtime.StorageWrite;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The hook's rules on their own; the server's tests run the module behind real REST calls. */
class SavesModuleTest {

    @Test
    void aGoodSaveIsMadePrivateAndOtherCollectionsPassUntouched() {
        StorageWrite save = new StorageWrite("saves", "slot1", "u", "{\"level\":3}", "", 2, 1);
        StorageWrite other = new StorageWrite("settings", "audio", "u", "{\"volume\":3}", "", 2, 1);
        List<StorageWrite> checked = SavesModule.checked(List.of(save, other));
        assertEquals(new StorageWrite("saves", "slot1", "u", "{\"level\":3}", "", 1, 1), checked.get(0));
        assertSame(other, checked.get(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"level\":0}", "{\"level\":101}", "{\"level\":2.5}", "{\"level\":\"3\"}",
            "[1]", "not json"})
    void aSaveWithoutAGoodLevelIsRefused(String value) {
        RefusedException e = assertThrows(RefusedException.class,
                () -> SavesModule.checked(List.of(new StorageWrite("saves", "slot1", "u", value, "", null, null))));
        assertEquals(SavesModule.BAD_LEVEL, e.getMessage());
    }
}
