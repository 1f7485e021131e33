package io.gantry.runtime;

/** The server, as server code reaches it from a handler or RPC function. Thread-safe. */
public interface ServerApi {

    Matches matches();

    Notifications notifications();

    Streams streams();

    Matchmaker matchmaker();

    /** Accounts and wallets. */
    Accounts accounts();

    /** Users' public profiles. */
    Users users();

    /** Storage objects, without permission checks. */
    Storage storage();

    /** Friends: invites, accepts, deletes, blocks, lists. */
    Friends friends();

    /** Groups, acting with no caller (no role is checked). */
    Groups groups();

    /** Leaderboards: create, delete, write and list records, as the server. */
    Leaderboards leaderboards();

    /** Tournaments: create, delete, join, write and list records, as the server. */
    Tournaments tournaments();

    /** This node's name. */
    String node();
}
