package dev.classbase.platform.events;

import java.util.List;

/** A page of a user's recent events, newest first; {@code nextCursor} absent on the last page. */
record EventPage(List<RecordedEvent> items, String nextCursor) {}
