package io.gantry.persistence;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A kind of record a user owns in the PostgreSQL store (storage objects, friend edges, group
 * memberships, leaderboard records, ...): what deleting an account deletes with it, in the same
 * transaction as the account row, so that the account and all it owns go together or not at all.
 */
interface PostgresUserOwned {

    /** Deletes, on {@code connection} (inside the deletion's transaction), everything of this kind {@code userId} owns. */
    void deleteAllOf(Connection connection, String userId) throws SQLException;
}
