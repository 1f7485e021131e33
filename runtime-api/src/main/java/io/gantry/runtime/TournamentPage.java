package io.gantry.runtime;

import java.util.List;

/** A page of tournaments; {@code cursor} is null when none follows. */
public record TournamentPage(List<Tournament> tournaments, String cursor) {
}
