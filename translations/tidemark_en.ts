<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>main</name>
    <message>
        <source>Watch partitions, review and approve plans, and watch them run.</source>
        <translation>Watch partitions, review and approve plans, and watch them run.</translation>
    </message>
    <message>
        <source>Metadata store (default: %1).</source>
        <translation>Metadata store (default: %1).</translation>
    </message>
    <message>
        <source>Open the demo database at PATH, creating it if missing, and run its workload.</source>
        <translation>Open the demo database at PATH, creating it if missing, and run its workload.</translation>
    </message>
    <message>
        <source>Rows of a newly created demo.</source>
        <translation>Rows of a newly created demo.</translation>
    </message>
    <message>
        <source>Partitions of a newly created demo.</source>
        <translation>Partitions of a newly created demo.</translation>
    </message>
    <message>
        <source>How long the demo workload runs (0: none).</source>
        <translation>How long the demo workload runs (0: none).</translation>
    </message>
    <message>
        <source>Rescan every S seconds instead of the connection&apos;s sampling interval.</source>
        <translation>Rescan every S seconds instead of the connection&apos;s sampling interval.</translation>
    </message>
    <message>
        <source>Save a PNG of the window once the heatmap has drawn N scans, then quit.</source>
        <translation>Save a PNG of the window once the heatmap has drawn N scans, then quit.</translation>
    </message>
    <message>
        <source>Scans to wait for before the screenshot.</source>
        <translation>Scans to wait for before the screenshot.</translation>
    </message>
    <message>
        <source>The demo at --demo is the event-log demo (log segments to compact and archive), without a workload.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Page to start on (1 = overview … 9 = nodes).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::AuditLogModel</name>
    <message>
        <source>When</source>
        <translation>When</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Who</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ConnectionBuilder</name>
    <message>
        <source>SS&amp;L mode:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQLite file</source>
        <translation type="unfinished">SQLite file</translation>
    </message>
    <message>
        <source>PostgreSQL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MariaDB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other (type the URI)</source>
        <translation type="unfinished">Other (type the URI)</translation>
    </message>
    <message>
        <source>Database kind</source>
        <translation type="unfinished">Database kind</translation>
    </message>
    <message>
        <source>optional: a name to show instead of the URI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>/path/to/database.db</source>
        <translation type="unfinished">/path/to/database.db</translation>
    </message>
    <message>
        <source>SQLite database file</source>
        <translation type="unfinished">SQLite database file</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished">&amp;Browse…</translation>
    </message>
    <message>
        <source>localhost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>kept in the keychain or the password file, never in the URI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>prefer (TLS when the server offers it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disable (never TLS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>allow (TLS only when the server insists)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>require (always TLS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>verify-ca (TLS, certificate checked)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>verify-full (TLS, certificate and host name checked)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data&amp;base:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SSL mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scheme://host/database</source>
        <translation type="unfinished">scheme://host/database</translation>
    </message>
    <message>
        <source>Connection URI</source>
        <translation type="unfinished">Connection URI</translation>
    </message>
    <message>
        <source>Passwords never go into the URI: Tidemark reads them from the system keychain or the database&apos;s own password file (~/.pgpass, ~/.my.cnf).</source>
        <translation type="unfinished">Passwords never go into the URI: Tidemark reads them from the system keychain or the database&apos;s own password file (~/.pgpass, ~/.my.cnf).</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation type="unfinished">&amp;Kind:</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database:</source>
        <translation type="unfinished">Database:</translation>
    </message>
    <message>
        <source>Choose a SQLite database</source>
        <translation type="unfinished">Choose a SQLite database</translation>
    </message>
    <message>
        <source>SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)</source>
        <translation type="unfinished">SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ConnectionWords</name>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 as %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>password or user refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>server does not answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>database not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no connector for this kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>check stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot be read</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ConnectionsPage</name>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Add</translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation>&amp;Test</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connections</translation>
    </message>
    <message>
        <source>Open the &amp;demo database</source>
        <translation>Open the &amp;demo database</translation>
    </message>
    <message>
        <source>URI:</source>
        <translation>URI:</translation>
    </message>
    <message>
        <source>Connector plugin</source>
        <translation>Connector plugin</translation>
    </message>
    <message>
        <source>Schemes</source>
        <translation>Schemes</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Connector plugins</source>
        <translation>Connector plugins</translation>
    </message>
    <message>
        <source>loaded</source>
        <translation>loaded</translation>
    </message>
    <message>
        <source>refused: %1</source>
        <translation>refused: %1</translation>
    </message>
    <message>
        <source>No connector plugin found; set TIDEMARK_PLUGIN_DIR</source>
        <translation>No connector plugin found; set TIDEMARK_PLUGIN_DIR</translation>
    </message>
    <message>
        <source>Connectors</source>
        <translation>Connectors</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 cannot be used: %2</source>
        <translation>%1 cannot be used: %2</translation>
    </message>
    <message>
        <source>(fill in the database above)</source>
        <translation>(fill in the database above)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;move…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add the connection described below (Ctrl+Return)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the name, password or URI below over the selected connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect and list the partitioned tables, without adding (Ctrl+T)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load the selected connection into the form below (F2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the selected connection; its plans and audit trail stay in History (Delete)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add or edit a connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passwords are kept in the system keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain is running: passwords go to ~/.pgpass or ~/.my.cnf (mode 0600).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+T</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>F2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password of %1 is kept in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password of %1 was not saved: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password of %1 was not saved: no keychain is running and %2 has no password file. Start a Secret Service (e.g. gnome-keyring) and add it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be tested: no connector plugin for %2 is loaded. The connection can still be added; install the %2 connector to scan it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the connection %1?

Its samples and scores are deleted. Its plans and audit trail stay in History; its password is removed from the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;heck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished">Status</translation>
    </message>
    <message>
        <source>Connect to the selected database again and say whether it can be used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scanned at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;top test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the test that runs (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test of %1 was stopped; nothing was added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation type="unfinished">%1
%2</translation>
    </message>
    <message>
        <source>no connector plugin for %1 is loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it names no kind of database; write it as sqlite:///path/to/file.db or postgresql://user@host:port/database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing %1 before adding it… (Esc stops)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be used now: %2

Add it anyway? Its password is saved only if you add it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;anyway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be tested: it names no kind of database; write it as sqlite:///path/to/file.db or postgresql://user@host:port/database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing %1… (Esc stops)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::CopyToNodeDialog</name>
    <message>
        <source>Move %1 to a node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy %1 to a node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan moving partition %1 of %2 to another node. The plan opens on Plan review; nothing changes before you approve it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan copying partition %1 of %2 to another node. The plan opens on Plan review; nothing changes before you approve it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receiving node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the node catalogue…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Plan</source>
        <translation type="unfinished">&amp;Plan</translation>
    </message>
    <message>
        <source>&amp;To node:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2, %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No other node in the catalogue: add one on the Nodes page (Ctrl+9)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::DemoWorkload</name>
    <message>
        <source>Creating the demo database failed: %1</source>
        <translation>Creating the demo database failed: %1</translation>
    </message>
    <message>
        <source>Could not start %1: %2. Build tidemark-cli or set TIDEMARK_BIN_DIR.</source>
        <translation>Could not start %1: %2. Build tidemark-cli or set TIDEMARK_BIN_DIR.</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::EngineClient</name>
    <message>
        <source>Executing a plan</source>
        <translation>Executing a plan</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Idle</translation>
    </message>
    <message>
        <source>Opening the metadata store</source>
        <translation>Opening the metadata store</translation>
    </message>
    <message>
        <source>Reading connections</source>
        <translation>Reading connections</translation>
    </message>
    <message>
        <source>Adding a connection</source>
        <translation>Adding a connection</translation>
    </message>
    <message>
        <source>Testing %1</source>
        <translation>Testing %1</translation>
    </message>
    <message numerus="yes">
        <source>Connected: %n partitioned table(s)</source>
        <translation>
            <numerusform>Connected: %n partitioned table</numerusform>
            <numerusform>Connected: %n partitioned tables</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n partition(s)</source>
        <translation>
            <numerusform>%n partition</numerusform>
            <numerusform>%n partitions</numerusform>
        </translation>
    </message>
    <message>
        <source>Scanning %1</source>
        <translation>Scanning %1</translation>
    </message>
    <message>
        <source>Planning %1</source>
        <translation>Planning %1</translation>
    </message>
    <message>
        <source>Reading plan %1</source>
        <translation>Reading plan %1</translation>
    </message>
    <message>
        <source>Approving plan %1</source>
        <translation>Approving plan %1</translation>
    </message>
    <message>
        <source>Rejecting plan %1</source>
        <translation>Rejecting plan %1</translation>
    </message>
    <message>
        <source>A plan is already executing</source>
        <translation>A plan is already executing</translation>
    </message>
    <message>
        <source>wait for it to finish or cancel it</source>
        <translation>wait for it to finish or cancel it</translation>
    </message>
    <message>
        <source>Executing plan %1</source>
        <translation>Executing plan %1</translation>
    </message>
    <message>
        <source>Reading history</source>
        <translation>Reading history</translation>
    </message>
    <message>
        <source>Reading the audit trail</source>
        <translation>Reading the audit trail</translation>
    </message>
    <message>
        <source>Reading settings</source>
        <translation>Reading settings</translation>
    </message>
    <message>
        <source>Saving settings</source>
        <translation>Saving settings</translation>
    </message>
    <message>
        <source>Removing a connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Renaming a connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preparing %1 for the backup</source>
        <translation>Preparing %1 for the backup</translation>
    </message>
    <message>
        <source>Rebalancing %1 after the backup</source>
        <translation>Rebalancing %1 after the backup</translation>
    </message>
    <message>
        <source>Settling interrupted steps</source>
        <translation>Settling interrupted steps</translation>
    </message>
    <message>
        <source>Forecasting %1</source>
        <translation>Forecasting %1</translation>
    </message>
    <message>
        <source>Surveying the segments of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning the archive of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning the compaction of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning the move of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning the copy of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Node %1 does not answer now (%2); it is sized from the catalogue alone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the node catalogue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving node %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing node %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::EngineError</name>
    <message>
        <source>%1 — what to do: %2</source>
        <translation>%1 — what to do: %2</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ErrorBanner</name>
    <message>
        <source>Dismiss</source>
        <translation>Dismiss</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>What to do: %1</source>
        <translation>What to do: %1</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ForecastPage</name>
    <message>
        <source>No samples for this connection yet.</source>
        <translation>No samples for this connection yet.</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Forecast</translation>
    </message>
    <message>
        <source>Writes per hour</source>
        <translation>Writes per hour</translation>
    </message>
    <message>
        <source>Size (bytes)</source>
        <translation>Size (bytes)</translation>
    </message>
    <message>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <source>How many hours ahead to forecast</source>
        <translation>How many hours ahead to forecast</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Table</translation>
    </message>
    <message>
        <source>Partition, or the whole table</source>
        <translation>Partition, or the whole table</translation>
    </message>
    <message>
        <source>Choose a table or partition and press Forecast.</source>
        <translation>Choose a table or partition and press Forecast.</translation>
    </message>
    <message>
        <source>Table:</source>
        <translation>Table:</translation>
    </message>
    <message>
        <source>Partition:</source>
        <translation>Partition:</translation>
    </message>
    <message>
        <source>Series:</source>
        <translation>Series:</translation>
    </message>
    <message>
        <source>Horizon:</source>
        <translation>Horizon:</translation>
    </message>
    <message>
        <source>(whole table)</source>
        <translation>(whole table)</translation>
    </message>
    <message>
        <source>Choose a connection with a partitioned table first.</source>
        <translation>Choose a connection with a partitioned table first.</translation>
    </message>
    <message>
        <source>Forecasting…</source>
        <translation>Forecasting…</translation>
    </message>
    <message>
        <source>No forecast for %1: %2</source>
        <translation>No forecast for %1: %2</translation>
    </message>
    <message>
        <source>95 % interval</source>
        <translation>95 % interval</translation>
    </message>
    <message>
        <source>80 % interval</source>
        <translation>80 % interval</translation>
    </message>
    <message>
        <source>History</source>
        <translation>History</translation>
    </message>
    <message>
        <source>writes per hour</source>
        <translation>writes per hour</translation>
    </message>
    <message>
        <source>bytes</source>
        <translation>bytes</translation>
    </message>
    <message>
        <source>not measured</source>
        <translation>not measured</translation>
    </message>
    <message>
        <source>%1: model %2, hold-out MASE %3</source>
        <translation>%1: model %2, hold-out MASE %3</translation>
    </message>
    <message>
        <source>Pre-backup planner: %1 — the forecast keeps missing, so the reactive rules apply.</source>
        <translation>Pre-backup planner: %1 — the forecast keeps missing, so the reactive rules apply.</translation>
    </message>
    <message>
        <source>Pre-backup planner: %1</source>
        <translation>Pre-backup planner: %1</translation>
    </message>
    <message>
        <source>Tracked forecasts: none checked yet. The pre-backup planner records the forecast it is given; scans check it against the samples once its window has passed.</source>
        <translation>Tracked forecasts: none checked yet. The pre-backup planner records the forecast it is given; scans check it against the samples once its window has passed.</translation>
    </message>
    <message>
        <source>Tracked forecasts: %1 checked, %2 outside their 95 % band. Last check (%3 – %4): %5 writes against a band of %6–%7, %8.</source>
        <translation>Tracked forecasts: %1 checked, %2 outside their 95 % band. Last check (%3 – %4): %5 writes against a band of %6–%7, %8.</translation>
    </message>
    <message>
        <source>a miss</source>
        <translation>a miss</translation>
    </message>
    <message>
        <source>a hit</source>
        <translation>a hit</translation>
    </message>
    <message>
        <source>Waiting for the partition list of %1…</source>
        <translation>Waiting for the partition list of %1…</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::HeatmapPage</name>
    <message>
        <source>&amp;Rescan automatically</source>
        <translation>&amp;Rescan automatically</translation>
    </message>
    <message>
        <source>&amp;Scan now</source>
        <translation>&amp;Scan now</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Table</translation>
    </message>
    <message>
        <source>Sample the database at the connection&apos;s sampling interval</source>
        <translation>Sample the database at the connection&apos;s sampling interval</translation>
    </message>
    <message>
        <source>Sample activity now (F5)</source>
        <translation>Sample activity now (F5)</translation>
    </message>
    <message>
        <source>&amp;Table:</source>
        <translation>&amp;Table:</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <source>Show fewer samples, wider (Ctrl+wheel, +)</source>
        <translation>Show fewer samples, wider (Ctrl+wheel, +)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <source>Show more samples (Ctrl+wheel, −)</source>
        <translation>Show more samples (Ctrl+wheel, −)</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Fit</translation>
    </message>
    <message>
        <source>Show the whole time range (0)</source>
        <translation>Show the whole time range (0)</translation>
    </message>
    <message>
        <source>Click a row to see the partition; hover a cell for its score and counts; double-click or press Enter to forecast it.</source>
        <translation>Click a row to see the partition; hover a cell for its score and counts; double-click or press Enter to forecast it.</translation>
    </message>
    <message>
        <source>Partitions of the table</source>
        <translation>Partitions of the table</translation>
    </message>
    <message>
        <source>Scanning failed</source>
        <translation>Scanning failed</translation>
    </message>
    <message>
        <source>%1 %2: %3 rows, %4, score %5, %6 writes/s</source>
        <translation>%1 %2: %3 rows, %4, score %5, %6 writes/s</translation>
    </message>
    <message>
        <source>&amp;Forecast this partition</source>
        <translation>&amp;Forecast this partition</translation>
    </message>
    <message>
        <source>Open the Forecasts page for the selected partition</source>
        <translation>Open the Forecasts page for the selected partition</translation>
    </message>
    <message>
        <source>&amp;Copy to node…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Move to node…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan copying the partition to a node of the catalogue; the plan opens on Plan review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan moving the partition to a node of the catalogue; the plan opens on Plan review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The partition cannot be copied or moved</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::HistoryPage</name>
    <message>
        <source>Past plans</source>
        <translation>Past plans</translation>
    </message>
    <message>
        <source>Audit trail of the selected plan</source>
        <translation>Audit trail of the selected plan</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>Re&amp;fresh</translation>
    </message>
    <message>
        <source>&amp;Open in plan review</source>
        <translation>&amp;Open in plan review</translation>
    </message>
    <message>
        <source>Plans</source>
        <translation>Plans</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Audit trail</translation>
    </message>
    <message>
        <source>Reading the history failed</source>
        <translation>Reading the history failed</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::MainWindow</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Idle</translation>
    </message>
    <message>
        <source>Tidemark</source>
        <translation>Tidemark</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>Heatmap</translation>
    </message>
    <message>
        <source>Plan review</source>
        <translation>Plan review</translation>
    </message>
    <message>
        <source>History</source>
        <translation>History</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connections</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Pages</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connection</translation>
    </message>
    <message>
        <source>The metadata store cannot be opened</source>
        <translation>The metadata store cannot be opened</translation>
    </message>
    <message>
        <source>Demo database</source>
        <translation>Demo database</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>Open the &amp;demo database</source>
        <translation>Open the &amp;demo database</translation>
    </message>
    <message>
        <source>Ctrl+D</source>
        <translation>Ctrl+D</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>Zoom &amp;in on time</source>
        <translation>Zoom &amp;in on time</translation>
    </message>
    <message>
        <source>Zoom &amp;out on time</source>
        <translation>Zoom &amp;out on time</translation>
    </message>
    <message>
        <source>&amp;Fit the whole time range</source>
        <translation>&amp;Fit the whole time range</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <source>&amp;Plan</source>
        <translation>&amp;Plan</translation>
    </message>
    <message>
        <source>&amp;Scan now</source>
        <translation>&amp;Scan now</translation>
    </message>
    <message>
        <source>&amp;Propose a plan</source>
        <translation>&amp;Propose a plan</translation>
    </message>
    <message>
        <source>Ctrl+P</source>
        <translation>Ctrl+P</translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation>&amp;Approve…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+A</source>
        <translation>Ctrl+Shift+A</translation>
    </message>
    <message>
        <source>&amp;Reject…</source>
        <translation>&amp;Reject…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+R</source>
        <translation>Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>&amp;Execute</source>
        <translation>&amp;Execute</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>&amp;Cancel execution</source>
        <translation>&amp;Cancel execution</translation>
    </message>
    <message>
        <source>Ctrl+Shift+X</source>
        <translation>Ctrl+Shift+X</translation>
    </message>
    <message>
        <source>Sa&amp;ve settings</source>
        <translation>Sa&amp;ve settings</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <source>%1	%2</source>
        <translation>%1	%2</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>&amp;About Tidemark</source>
        <translation>&amp;About Tidemark</translation>
    </message>
    <message>
        <source>About Tidemark</source>
        <translation>About Tidemark</translation>
    </message>
    <message>
        <source>Tidemark %1
Watches how partitions are written, proposes splits and merges before backups, and runs them only after you approve.</source>
        <translation>Tidemark %1
Watches how partitions are written, proposes splits and merges before backups, and runs them only after you approve.</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Main</translation>
    </message>
    <message>
        <source>Co&amp;nnection:</source>
        <translation>Co&amp;nnection:</translation>
    </message>
    <message>
        <source>Interrupted work was settled</source>
        <translation>Interrupted work was settled</translation>
    </message>
    <message>
        <source>Welcome to Tidemark</source>
        <translation>Welcome to Tidemark</translation>
    </message>
    <message>
        <source>There is no database to watch yet. Create the demo database (a SQLite file with a partitioned orders table and a workload that keeps it busy)?</source>
        <translation>There is no database to watch yet. Create the demo database (a SQLite file with a partitioned orders table and a workload that keeps it busy)?</translation>
    </message>
    <message>
        <source>Create the &amp;demo</source>
        <translation>Create the &amp;demo</translation>
    </message>
    <message>
        <source>&amp;Add my own database</source>
        <translation>&amp;Add my own database</translation>
    </message>
    <message>
        <source>Preparing the demo database %1…</source>
        <translation>Preparing the demo database %1…</translation>
    </message>
    <message>
        <source>%1 — Tidemark</source>
        <translation>%1 — Tidemark</translation>
    </message>
    <message>
        <source>A plan is executing</source>
        <translation>A plan is executing</translation>
    </message>
    <message>
        <source>Stop it safely and quit? The running step rolls back; finished steps stay done.</source>
        <translation>Stop it safely and quit? The running step rolls back; finished steps stay done.</translation>
    </message>
    <message>
        <source>&amp;New connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Optimize before backup…</source>
        <translation>&amp;Optimize before backup…</translation>
    </message>
    <message>
        <source>Ctrl+B</source>
        <translation>Ctrl+B</translation>
    </message>
    <message>
        <source>Post-backup &amp;rebalance…</source>
        <translation>Post-backup &amp;rebalance…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+B</source>
        <translation>Ctrl+Shift+B</translation>
    </message>
    <message>
        <source>Forecasts</source>
        <translation>Forecasts</translation>
    </message>
    <message>
        <source>S&amp;top waiting</source>
        <translation>S&amp;top waiting</translation>
    </message>
    <message>
        <source>Stop the scan, plan, connection test or forecast that is waiting on a database (Esc)</source>
        <translation>Stop the scan, plan, connection test or forecast that is waiting on a database (Esc)</translation>
    </message>
    <message>
        <source>This connection cannot split or merge partitions: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compaction queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::NodeDialog</name>
    <message>
        <source>primary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>shard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit node %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. db2 or replica-east</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database the node serves: type its URI or pick a saved connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. postgresql://db2/sales or sqlite:///srv/db.sqlite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 500G or 1.5T; empty when not known</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 64G; empty when not known</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not known</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connection:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Disk:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;ores:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Memory:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No&amp;tes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the node a name, such as db2 or replica-east.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the URI of the database the node serves (such as postgresql://db2/sales or sqlite:///srv/db.sqlite), or pick a saved connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a database URI. Give one such as postgresql://db2/sales or sqlite:///srv/db.sqlite.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No connector handles URIs of the scheme &quot;%1&quot;. Use one of: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The name %1 is already used by the node on %2. Choose another name, or edit that node.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is already the connection of node %2. Edit that node instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a size. Give one such as 500G, 64GiB or 1.5T (K, M, G, T, P are powers of 1024; a plain number is bytes), or leave it empty when it is not known.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::NodesPage</name>
    <message>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no reading yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 sessions active</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n session(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (read %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add node…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The servers a plan may copy or move partitions to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a database server to the node catalogue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the selected node (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the selected node from the catalogue (Delete); its connection, plans and history stay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No nodes yet. Add the servers partitions may be copied or moved to with Add node….</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Node catalogue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished">Connection</translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latest reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The node catalogue could not be read or changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n node(s) in the catalogue.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Remove node %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove %1 from the node catalogue? Its connection, plans and history stay; plans can no longer copy or move partitions to it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::OverviewPage</name>
    <message>
        <source>Idle</source>
        <translation>Idle</translation>
    </message>
    <message>
        <source>No connection selected</source>
        <translation>No connection selected</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Database</translation>
    </message>
    <message>
        <source>Connection:</source>
        <translation>Connection:</translation>
    </message>
    <message>
        <source>Partitioned tables:</source>
        <translation>Partitioned tables:</translation>
    </message>
    <message>
        <source>Partitions:</source>
        <translation>Partitions:</translation>
    </message>
    <message>
        <source>Total size:</source>
        <translation>Total size:</translation>
    </message>
    <message>
        <source>Engine:</source>
        <translation>Engine:</translation>
    </message>
    <message>
        <source>Plans waiting for approval or execution</source>
        <translation>Plans waiting for approval or execution</translation>
    </message>
    <message>
        <source>Open plans</source>
        <translation>Open plans</translation>
    </message>
    <message>
        <source>Hottest partitions</source>
        <translation>Hottest partitions</translation>
    </message>
    <message>
        <source>Hottest partitions (by volatility score)</source>
        <translation>Hottest partitions (by volatility score)</translation>
    </message>
    <message>
        <source>none found</source>
        <translation>none found</translation>
    </message>
    <message>
        <source>Plan %1 (%2): %3</source>
        <translation>Plan %1 (%2): %3</translation>
    </message>
    <message>
        <source>No plan is waiting.</source>
        <translation>No plan is waiting.</translation>
    </message>
    <message>
        <source>No recorded forecast checked yet</source>
        <translation>No recorded forecast checked yet</translation>
    </message>
    <message>
        <source>Checks of the write forecasts the pre-backup planner was given, against the samples of their windows. A partition whose recent forecasts keep missing their 95 % band is planned with the reactive rule (EWMA).</source>
        <translation>Checks of the write forecasts the pre-backup planner was given, against the samples of their windows. A partition whose recent forecasts keep missing their 95 % band is planned with the reactive rule (EWMA).</translation>
    </message>
    <message>
        <source>Write forecasts:</source>
        <translation>Write forecasts:</translation>
    </message>
    <message>
        <source>Partitions checked: %1; none keeps missing</source>
        <translation>Partitions checked: %1; none keeps missing</translation>
    </message>
    <message>
        <source>Partitions checked: %2; keep missing: %1 — the pre-backup planner uses its reactive rule (EWMA) for them: %3</source>
        <translation>Partitions checked: %2; keep missing: %1 — the pre-backup planner uses its reactive rule (EWMA) for them: %3</translation>
    </message>
    <message>
        <source>cannot be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not read yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PartitionTableModel</name>
    <message>
        <source>Table</source>
        <translation>Table</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Bounds</source>
        <translation>Bounds</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Rows</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Writes/s</source>
        <translation>Writes/s</translation>
    </message>
    <message>
        <source>baseline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>baseline; scores from the next scan</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PlanHistoryModel</name>
    <message>
        <source>proposed</source>
        <translation>proposed</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>approved</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>rejected</translation>
    </message>
    <message>
        <source>running</source>
        <translation>running</translation>
    </message>
    <message>
        <source>done</source>
        <translation>done</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>failed</translation>
    </message>
    <message>
        <source>rolled back</source>
        <translation>rolled back</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Plan</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Created</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>Approved by</source>
        <translation>Approved by</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Duration</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>superseded</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PlanReviewPage</name>
    <message>
        <source>&amp;Propose a plan</source>
        <translation>&amp;Propose a plan</translation>
    </message>
    <message>
        <source>&amp;Copy SQL</source>
        <translation>&amp;Copy SQL</translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation>&amp;Approve…</translation>
    </message>
    <message>
        <source>&amp;Reject…</source>
        <translation>&amp;Reject…</translation>
    </message>
    <message>
        <source>&amp;Execute</source>
        <translation>&amp;Execute</translation>
    </message>
    <message>
        <source>Ca&amp;ncel</source>
        <translation>Ca&amp;ncel</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Plan</translation>
    </message>
    <message>
        <source>Scan now and propose splits and merges for the next backup (Ctrl+P)</source>
        <translation>Scan now and propose splits and merges for the next backup (Ctrl+P)</translation>
    </message>
    <message>
        <source>Approve the plan; you are recorded as the approver (Ctrl+Shift+A)</source>
        <translation>Approve the plan; you are recorded as the approver (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <source>Reject the plan; nothing is changed (Ctrl+Shift+R)</source>
        <translation>Reject the plan; nothing is changed (Ctrl+Shift+R)</translation>
    </message>
    <message>
        <source>Run the approved plan step by step, verifying each (Ctrl+E)</source>
        <translation>Run the approved plan step by step, verifying each (Ctrl+E)</translation>
    </message>
    <message>
        <source>Stop safely: the running step rolls back, no new step starts (Ctrl+Shift+X)</source>
        <translation>Stop safely: the running step rolls back, no new step starts (Ctrl+Shift+X)</translation>
    </message>
    <message>
        <source>Exact SQL of the step</source>
        <translation>Exact SQL of the step</translation>
    </message>
    <message>
        <source>P&amp;lan:</source>
        <translation>P&amp;lan:</translation>
    </message>
    <message>
        <source>Steps of the plan</source>
        <translation>Steps of the plan</translation>
    </message>
    <message>
        <source>Selected step</source>
        <translation>Selected step</translation>
    </message>
    <message>
        <source>Why:</source>
        <translation>Why:</translation>
    </message>
    <message>
        <source>Predicted effect:</source>
        <translation>Predicted effect:</translation>
    </message>
    <message>
        <source>Verification:</source>
        <translation>Verification:</translation>
    </message>
    <message>
        <source>SQL:</source>
        <translation>SQL:</translation>
    </message>
    <message>
        <source>Layout:</source>
        <translation>Layout:</translation>
    </message>
    <message>
        <source>Progress of the running step</source>
        <translation>Progress of the running step</translation>
    </message>
    <message>
        <source>Progress of the whole plan</source>
        <translation>Progress of the whole plan</translation>
    </message>
    <message>
        <source>%p %</source>
        <translation>%p %</translation>
    </message>
    <message>
        <source>Step:</source>
        <translation>Step:</translation>
    </message>
    <message>
        <source>Overall:</source>
        <translation>Overall:</translation>
    </message>
    <message>
        <source>Step %1 of %2: %3</source>
        <translation>Step %1 of %2: %3</translation>
    </message>
    <message>
        <source>Execution stopped. The running step was rolled back; the steps before it stay done.</source>
        <translation>Execution stopped. The running step was rolled back; the steps before it stay done.</translation>
    </message>
    <message>
        <source>Execution failed</source>
        <translation>Execution failed</translation>
    </message>
    <message>
        <source>Planning failed</source>
        <translation>Planning failed</translation>
    </message>
    <message>
        <source>Approval failed</source>
        <translation>Approval failed</translation>
    </message>
    <message>
        <source>Rejecting failed</source>
        <translation>Rejecting failed</translation>
    </message>
    <message>
        <source>Plan %1 (%2): %3</source>
        <translation>Plan %1 (%2): %3</translation>
    </message>
    <message>
        <source>Plan %1 (%2)</source>
        <translation>Plan %1 (%2)</translation>
    </message>
    <message>
        <source>No open plan: propose one</source>
        <translation>No open plan: propose one</translation>
    </message>
    <message>
        <source>No plan shown. Propose one, or pick an open plan above.</source>
        <translation>No plan shown. Propose one, or pick an open plan above.</translation>
    </message>
    <message>
        <source>Plan %1 for %2, created %3 by %4: %5</source>
        <translation>Plan %1 for %2, created %3 by %4: %5</translation>
    </message>
    <message>
        <source>%1 — approved by %2, %3</source>
        <translation>%1 — approved by %2, %3</translation>
    </message>
    <message>
        <source>rewrites %1 (%2 rows), writers blocked about %3 s; the next incremental backup copies about %4 instead of %5</source>
        <translation>rewrites %1 (%2 rows), writers blocked about %3 s; the next incremental backup copies about %4 instead of %5</translation>
    </message>
    <message>
        <source>measured: rewrote %1 (%2 rows), writers blocked %3 s</source>
        <translation>measured: rewrote %1 (%2 rows), writers blocked %3 s</translation>
    </message>
    <message>
        <source>not run yet</source>
        <translation>not run yet</translation>
    </message>
    <message>
        <source>The database said: %1
This step&apos;s transaction was rolled back; its partitions are as they were.</source>
        <translation>The database said: %1
This step&apos;s transaction was rolled back; its partitions are as they were.</translation>
    </message>
    <message>
        <source>• split %1 of %2 into %3</source>
        <translation>• split %1 of %2 into %3</translation>
    </message>
    <message>
        <source>• merge %1 of %2 into %3</source>
        <translation>• merge %1 of %2 into %3</translation>
    </message>
    <message>
        <source>Approve plan %1?</source>
        <translation>Approve plan %1?</translation>
    </message>
    <message>
        <source>Approving plan %1 allows it to change %2:

%3

Nothing runs until you press Execute. The approval is recorded as yours (%4).</source>
        <translation>Approving plan %1 allows it to change %2:

%3

Nothing runs until you press Execute. The approval is recorded as yours (%4).</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Approve</translation>
    </message>
    <message>
        <source>Reject plan %1?</source>
        <translation>Reject plan %1?</translation>
    </message>
    <message>
        <source>Rejecting plan %1 means none of these changes will be made:

%2</source>
        <translation>Rejecting plan %1 means none of these changes will be made:

%2</translation>
    </message>
    <message>
        <source>&amp;Reject</source>
        <translation>&amp;Reject</translation>
    </message>
    <message>
        <source>rejected in the desktop application</source>
        <translation>rejected in the desktop application</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Starting…</translation>
    </message>
    <message>
        <source>Stopping safely: the running step rolls back, no new step starts…</source>
        <translation>Stopping safely: the running step rolls back, no new step starts…</translation>
    </message>
    <message>
        <source>Nothing to do: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>net per backup cycle: %1%2 (saves %3, its rewrite costs %4 per cycle)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left out at approval: this step does not run and its partitions stay as they are.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PlanStepModel</name>
    <message>
        <source>pending</source>
        <translation>pending</translation>
    </message>
    <message>
        <source>running</source>
        <translation>running</translation>
    </message>
    <message>
        <source>done</source>
        <translation>done</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>failed</translation>
    </message>
    <message>
        <source>rolled back</source>
        <translation>rolled back</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>skipped</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>Split</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Merge</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>From</source>
        <translation>From</translation>
    </message>
    <message>
        <source>To</source>
        <translation>To</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progress</translation>
    </message>
    <message>
        <source>Verification</source>
        <translation>Verification</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PreBackupDialog</name>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>No step starts that could not finish before this deadline, counted from the start</source>
        <translation>No step starts that could not finish before this deadline, counted from the start</translation>
    </message>
    <message>
        <source>&amp;Deadline:</source>
        <translation>&amp;Deadline:</translation>
    </message>
    <message>
        <source> MB/s</source>
        <translation> MB/s</translation>
    </message>
    <message>
        <source>How fast your backup tool copies, to turn the bytes saved into time</source>
        <translation>How fast your backup tool copies, to turn the bytes saved into time</translation>
    </message>
    <message>
        <source>Backup &amp;speed:</source>
        <translation>Backup &amp;speed:</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>Partitions</source>
        <translation>Partitions</translation>
    </message>
    <message>
        <source>Rewrites</source>
        <translation>Rewrites</translation>
    </message>
    <message>
        <source>Incremental backup copies</source>
        <translation>Incremental backup copies</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Analyse a&amp;gain</source>
        <translation>Analyse a&amp;gain</translation>
    </message>
    <message>
        <source>&amp;Approve and execute</source>
        <translation>&amp;Approve and execute</translation>
    </message>
    <message>
        <source>&amp;Post-backup rebalance</source>
        <translation>&amp;Post-backup rebalance</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Optimize before backup</source>
        <translation>Optimize before backup</translation>
    </message>
    <message>
        <source>Post-backup rebalance</source>
        <translation>Post-backup rebalance</translation>
    </message>
    <message>
        <source>Reshape the partitions of %1 so the next incremental backup copies little. Nothing changes until you approve.</source>
        <translation>Reshape the partitions of %1 so the next incremental backup copies little. Nothing changes until you approve.</translation>
    </message>
    <message>
        <source>Merge back what went cold and split what became hot during the backup cycle of %1. Nothing changes until you approve.</source>
        <translation>Merge back what went cold and split what became hot during the backup cycle of %1. Nothing changes until you approve.</translation>
    </message>
    <message>
        <source>Analysing: scanning the partitions and planning…</source>
        <translation>Analysing: scanning the partitions and planning…</translation>
    </message>
    <message>
        <source>Executing plan %1…</source>
        <translation>Executing plan %1…</translation>
    </message>
    <message>
        <source>Stopping safely: no new step starts; the running one finishes or rolls back.</source>
        <translation>Stopping safely: no new step starts; the running one finishes or rolls back.</translation>
    </message>
    <message>
        <source>running %1 %</source>
        <translation>running %1 %</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>~%1 s</source>
        <translation>~%1 s</translation>
    </message>
    <message>
        <source>Nothing to reshape: the partitions already suit an incremental backup.</source>
        <translation>Nothing to reshape: the partitions already suit an incremental backup.</translation>
    </message>
    <message>
        <source>Predicted saving per incremental backup: %1 (%2 → %3), about %4 s at %5 MB/s. The plan rewrites %6 once, in about %7 s.</source>
        <translation>Predicted saving per incremental backup: %1 (%2 → %3), about %4 s at %5 MB/s. The plan rewrites %6 once, in about %7 s.</translation>
    </message>
    <message>
        <source>Not ready for backup: the run could not start</source>
        <translation>Not ready for backup: the run could not start</translation>
    </message>
    <message>
        <source>Ready for backup: nothing to do</source>
        <translation>Ready for backup: nothing to do</translation>
    </message>
    <message>
        <source>Plan %1: review the steps and approve to execute</source>
        <translation>Plan %1: review the steps and approve to execute</translation>
    </message>
    <message numerus="yes">
        <source>Ready for backup: %n step(s) done and verified</source>
        <translation>
            <numerusform>Ready for backup: %n step done and verified</numerusform>
            <numerusform>Ready for backup: %n steps done and verified</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled: %n step(s) done and verified, nothing half-applied</source>
        <translation>
            <numerusform>Cancelled: %n step done and verified, nothing half-applied</numerusform>
            <numerusform>Cancelled: %n steps done and verified, nothing half-applied</numerusform>
        </translation>
    </message>
    <message>
        <source>Not ready: the deadline is too short for any step; nothing was changed</source>
        <translation>Not ready: the deadline is too short for any step; nothing was changed</translation>
    </message>
    <message>
        <source>Not ready for backup: %1</source>
        <translation>Not ready for backup: %1</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::SecretStore</name>
    <message>
        <source>%1 cannot be written: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the system keychain</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::SegmentsPage</name>
    <message>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sealed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>archived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Survey now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Archive…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Table</source>
        <translation type="unfinished">Table</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished">Size</translation>
    </message>
    <message>
        <source>Dead space</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Growth/h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished">State</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predicted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>95 % band</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time to archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Crossing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Segments to archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a connection to see its log segments.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Survey running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample the connection and compute every segment&apos;s figures again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan archiving the segments the forecast says must go, into a folder you choose; the plan opens on Plan review for approval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compaction queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Archive schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predicted size of the selected table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to archive: no sealed segment is due.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The segments could not be surveyed or planned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Surveying the segments of %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder for the archives</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning the archive into %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not surveyed yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Surveyed %1: %n table(s), </source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n segment(s) to compact, </source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n to archive.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The database is at peak load: work waits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 %)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This connection has no range-partitioned table whose partitions could be log segments.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No sealed segment is due for compaction: none has reached its table&apos;s compact threshold.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not before the time to archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No log table to schedule.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No sealed segment is due for archival: every table stays under its threshold until its time to archive (or has none set).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No table to chart.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predicted at the time to archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Archive threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished">Time</translation>
    </message>
    <message>
        <source>MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: size and forecast</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predicted at %1: %2 (95 %: %3 – %4), model %5.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passes its threshold of %1 at %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stays under its threshold of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No archive threshold is set for this table.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan &amp;compaction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan rewriting the sealed segments of the compaction queue densely and merging small sealed segments; the plan opens on Plan review for approval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to compact: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning the compaction…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::SettingsPage</name>
    <message>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation>Re&amp;vert</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Save these settings for the connection (Ctrl+S)</source>
        <translation>Save these settings for the connection (Ctrl+S)</translation>
    </message>
    <message>
        <source>Split above score:</source>
        <translation>Split above score:</translation>
    </message>
    <message>
        <source>A partition whose volatility score stays above this is split so its hot key range becomes a small partition of its own.</source>
        <translation>A partition whose volatility score stays above this is split so its hot key range becomes a small partition of its own.</translation>
    </message>
    <message>
        <source>Merge below score:</source>
        <translation>Merge below score:</translation>
    </message>
    <message>
        <source>Neighbouring partitions whose scores stay below this are merged into larger, static ones. The gap between the two thresholds keeps a partition from flapping between split and merge.</source>
        <translation>Neighbouring partitions whose scores stay below this are merged into larger, static ones. The gap between the two thresholds keeps a partition from flapping between split and merge.</translation>
    </message>
    <message>
        <source>Target size, smallest:</source>
        <translation>Target size, smallest:</translation>
    </message>
    <message>
        <source>Merged partitions aim for at least this size.</source>
        <translation>Merged partitions aim for at least this size.</translation>
    </message>
    <message>
        <source>Target size, largest:</source>
        <translation>Target size, largest:</translation>
    </message>
    <message>
        <source>No merge creates a partition larger than this.</source>
        <translation>No merge creates a partition larger than this.</translation>
    </message>
    <message>
        <source>Split only from:</source>
        <translation>Split only from:</translation>
    </message>
    <message>
        <source>Partitions smaller than this are never split: the rewrite would cost more than the backup saves.</source>
        <translation>Partitions smaller than this are never split: the rewrite would cost more than the backup saves.</translation>
    </message>
    <message>
        <source>Sampling interval:</source>
        <translation>Sampling interval:</translation>
    </message>
    <message>
        <source>How often activity counters are read. The heatmap rescans at this interval.</source>
        <translation>How often activity counters are read. The heatmap rescans at this interval.</translation>
    </message>
    <message>
        <source>Score half-life:</source>
        <translation>Score half-life:</translation>
    </message>
    <message>
        <source>How quickly old activity fades from the score: after one half-life a burst of writes counts half.</source>
        <translation>How quickly old activity fades from the score: after one half-life a burst of writes counts half.</translation>
    </message>
    <message>
        <source>Cool-down:</source>
        <translation>Cool-down:</translation>
    </message>
    <message>
        <source>A partition Tidemark created is left alone this long before it may be split or merged again.</source>
        <translation>A partition Tidemark created is left alone this long before it may be split or merged again.</translation>
    </message>
    <message>
        <source>Backup interval:</source>
        <translation>Backup interval:</translation>
    </message>
    <message>
        <source>Time between backups; a partition written within it is copied by the next incremental backup.</source>
        <translation>Time between backups; a partition written within it is copied by the next incremental backup.</translation>
    </message>
    <message>
        <source>Weight of reads:</source>
        <translation>Weight of reads:</translation>
    </message>
    <message>
        <source>Share of the score that reads may carry (0 to 1). Backups copy what was written, so reads weigh little by default.</source>
        <translation>Share of the score that reads may carry (0 to 1). Backups copy what was written, so reads weigh little by default.</translation>
    </message>
    <message>
        <source>Saved. The next scan and plan use these settings.</source>
        <translation>Saved. The next scan and plan use these settings.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>The merge threshold must be below the split threshold; the gap between them keeps partitions from flapping.</source>
        <translation>The merge threshold must be below the split threshold; the gap between them keeps partitions from flapping.</translation>
    </message>
    <message>
        <source>The smallest target size must not exceed the largest.</source>
        <translation>The smallest target size must not exceed the largest.</translation>
    </message>
</context>
<context>
    <name>tidemark::widgets::HeatmapLegend</name>
    <message>
        <source>Volatility colour legend</source>
        <translation>Volatility colour legend</translation>
    </message>
    <message>
        <source>cold</source>
        <translation>cold</translation>
    </message>
    <message>
        <source>hot</source>
        <translation>hot</translation>
    </message>
</context>
<context>
    <name>tidemark::widgets::PartitionLayoutStrip</name>
    <message>
        <source>Partition layout before and after the plan</source>
        <translation>Partition layout before and after the plan</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Before</translation>
    </message>
    <message>
        <source>After</source>
        <translation>After</translation>
    </message>
    <message>
        <source>%1 %2
Score %3%4</source>
        <translation>%1 %2
Score %3%4</translation>
    </message>
    <message>
        <source> (changed by the plan)</source>
        <translation> (changed by the plan)</translation>
    </message>
</context>
<context>
    <name>tidemark::widgets::VolatilityHeatmap</name>
    <message>
        <source>Volatility heatmap</source>
        <translation>Volatility heatmap</translation>
    </message>
    <message>
        <source>Partitions in key order by time; colour is the volatility score</source>
        <translation>Partitions in key order by time; colour is the volatility score</translation>
    </message>
    <message>
        <source>Partition %1
Bounds %2
Rows %3, size %4</source>
        <translation>Partition %1
Bounds %2
Rows %3, size %4</translation>
    </message>
    <message>
        <source>No sample at %1</source>
        <translation>No sample at %1</translation>
    </message>
    <message>
        <source>Score %1 at %2
Writes %3/s, reads %4/s</source>
        <translation>Score %1 at %2
Writes %3/s, reads %4/s</translation>
    </message>
    <message>
        <source>No samples between %1 and %2: the columns on either side are not adjacent in time</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
