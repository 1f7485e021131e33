package io.gantry.server;

import io.gantry.runtime.Accounts;
import io.gantry.runtime.Matches;
import io.gantry.runtime.Matchmaker;
import io.gantry.runtime.Notifications;
import io.gantry.runtime.ServerApi;
import io.gantry.runtime.Friends;
import io.gantry.runtime.Groups;
import io.gantry.runtime.Leaderboards;
import io.gantry.runtime.Tournaments;
import io.gantry.runtime.Storage;
import io.gantry.runtime.Streams;
import io.gantry.runtime.Users;

/**
 * The {@link ServerApi} server code receives. Its parts are plugged in while the server wires
 * itself, before any server code can run.
 */
final class ServerRuntime implements ServerApi {

    private final String node;
    private volatile Matches matches;
    private volatile Notifications notifications;
    private volatile Streams streams;
    private volatile Matchmaker matchmaker;
    private volatile Accounts accounts;
    private volatile Users users;
    private volatile Storage storage;
    private volatile Friends friends;
    private volatile Groups groups;
    private volatile Leaderboards leaderboards;
    private volatile Tournaments tournaments;

    void leaderboards(Leaderboards value) {
        this.leaderboards = value;
    }

    @Override
    public Leaderboards leaderboards() {
        return require(leaderboards, "leaderboards");
    }

    void tournaments(Tournaments value) {
        this.tournaments = value;
    }

    @Override
    public Tournaments tournaments() {
        return require(tournaments, "tournaments");
    }

    void friends(Friends value) {
        this.friends = value;
    }

    @Override
    public Friends friends() {
        return require(friends, "friends");
    }

    void groups(Groups value) {
        this.groups = value;
    }

    @Override
    public Groups groups() {
        return require(groups, "groups");
    }

    void accounts(Accounts value) {
        this.accounts = value;
    }

    void users(Users value) {
        this.users = value;
    }

    void storage(Storage value) {
        this.storage = value;
    }

    @Override
    public Accounts accounts() {
        return require(accounts, "accounts");
    }

    @Override
    public Users users() {
        return require(users, "users");
    }

    @Override
    public Storage storage() {
        return require(storage, "storage");
    }

    void matchmaker(Matchmaker value) {
        this.matchmaker = value;
    }

    @Override
    public Matchmaker matchmaker() {
        return require(matchmaker, "matchmaker");
    }

    ServerRuntime(String node) {
        this.node = node;
    }

    void matches(Matches value) {
        this.matches = value;
    }

    void notifications(Notifications value) {
        this.notifications = value;
    }

    void streams(Streams value) {
        this.streams = value;
    }

    @Override
    public Matches matches() {
        return require(matches, "matches");
    }

    @Override
    public Notifications notifications() {
        return require(notifications, "notifications");
    }

    @Override
    public Streams streams() {
        return require(streams, "streams");
    }

    @Override
    public String node() {
        return node;
    }

    private static <T> T require(T part, String name) {
        if (part == null) {
            throw new IllegalStateException("the server's " + name + " are not available yet");
        }
        return part;
    }
}
