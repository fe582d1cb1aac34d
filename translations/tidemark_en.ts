<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>main</name>
    <message>
        <source>Watch partitions, review and approve plans, and watch them run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metadata store (default: %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the demo database at PATH, creating it if missing, and run its workload.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rows of a newly created demo.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partitions of a newly created demo.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How long the demo workload runs (0: none).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rescan every S seconds instead of the connection&apos;s sampling interval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a PNG of the window once the heatmap has drawn N scans, then quit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scans to wait for before the screenshot.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::AuditLogModel</name>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ConnectionsPage</name>
    <message>
        <source>&amp;Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the &amp;demo database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>/path/to/database.db</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQLite database file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scheme://host/database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection URI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passwords never go into the URI: Tidemark reads them from the system keychain or the database&apos;s own password file (~/.pgpass, ~/.my.cnf).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQLite file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other (type the URI)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>URI:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connector plugin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schemes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connector plugins</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refused: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No connector plugin found; set TIDEMARK_PLUGIN_DIR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connectors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be used: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(fill in the database above)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a SQLite database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::DemoWorkload</name>
    <message>
        <source>Creating the demo database failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not start %1: %2. Build tidemark-cli or set TIDEMARK_BIN_DIR.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::EngineClient</name>
    <message>
        <source>Executing a plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening the metadata store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading connections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Adding a connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Connected: %n partitioned table(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n partition(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Scanning %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading plan %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approving plan %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rejecting plan %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A plan is already executing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wait for it to finish or cancel it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Executing plan %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving settings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::EngineError</name>
    <message>
        <source>%1 — what to do: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ErrorBanner</name>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What to do: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::HeatmapPage</name>
    <message>
        <source>&amp;Rescan automatically</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Scan now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample the database at the connection&apos;s sampling interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample activity now (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Table:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show fewer samples, wider (Ctrl+wheel, +)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show more samples (Ctrl+wheel, −)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the whole time range (0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click a row to see the partition; hover a cell for its score and counts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partitions of the table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scanning failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2: %3 rows, %4, score %5, %6 writes/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::HistoryPage</name>
    <message>
        <source>Past plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit trail of the selected plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open in plan review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the history failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::MainWindow</name>
    <message>
        <source>Idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tidemark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The metadata store cannot be opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the &amp;demo database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+D</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;in on time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;out on time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fit the whole time range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Scan now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Propose a plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+P</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+A</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reject…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+R</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Execute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel execution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+X</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sa&amp;ve settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1	%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Tidemark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Tidemark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tidemark %1
Watches how partitions are written, proposes splits and merges before backups, and runs them only after you approve.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Co&amp;nnection:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Interrupted work was settled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Welcome to Tidemark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no database to watch yet. Create the demo database (a SQLite file with a partitioned orders table and a workload that keeps it busy)?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create the &amp;demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add my own database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preparing the demo database %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — Tidemark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A plan is executing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop it safely and quit? The running step rolls back; finished steps stay done.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::OverviewPage</name>
    <message>
        <source>Idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No connection selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partitioned tables:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partitions:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Engine:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plans waiting for approval or execution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hottest partitions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hottest partitions (by volatility score)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan %1 (%2): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No plan is waiting.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PartitionTableModel</name>
    <message>
        <source>Table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bounds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writes/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PlanHistoryModel</name>
    <message>
        <source>proposed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>approved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rolled back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approved by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PlanReviewPage</name>
    <message>
        <source>&amp;Propose a plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy SQL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reject…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Execute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ca&amp;ncel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan now and propose splits and merges for the next backup (Ctrl+P)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve the plan; you are recorded as the approver (Ctrl+Shift+A)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reject the plan; nothing is changed (Ctrl+Shift+R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the approved plan step by step, verifying each (Ctrl+E)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop safely: the running step rolls back, no new step starts (Ctrl+Shift+X)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exact SQL of the step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;lan:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps of the plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selected step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predicted effect:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verification:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layout:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress of the running step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress of the whole plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%p %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overall:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to do: every partition is within its thresholds and size range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step %1 of %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Execution stopped. The running step was rolled back; the steps before it stay done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Execution failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approval failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rejecting failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan %1 (%2): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No open plan: propose one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No plan shown. Propose one, or pick an open plan above.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan %1 for %2, created %3 by %4: %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — approved by %2, %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rewrites %1 (%2 rows), writers blocked about %3 s; the next incremental backup copies about %4 instead of %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>measured: rewrote %1 (%2 rows), writers blocked %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not run yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database said: %1
This step&apos;s transaction was rolled back; its partitions are as they were.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>• split %1 of %2 into %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>• merge %1 of %2 into %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve plan %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approving plan %1 allows it to change %2:

%3

Nothing runs until you press Execute. The approval is recorded as yours (%4).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reject plan %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rejecting plan %1 means none of these changes will be made:

%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rejected in the desktop application</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping safely: the running step rolls back, no new step starts…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PlanStepModel</name>
    <message>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rolled back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verification</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::ui::SettingsPage</name>
    <message>
        <source> MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save these settings for the connection (Ctrl+S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split above score:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A partition whose volatility score stays above this is split so its hot key range becomes a small partition of its own.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merge below score:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Neighbouring partitions whose scores stay below this are merged into larger, static ones. The gap between the two thresholds keeps a partition from flapping between split and merge.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target size, smallest:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merged partitions aim for at least this size.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target size, largest:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No merge creates a partition larger than this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split only from:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partitions smaller than this are never split: the rewrite would cost more than the backup saves.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sampling interval:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How often activity counters are read. The heatmap rescans at this interval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score half-life:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How quickly old activity fades from the score: after one half-life a burst of writes counts half.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cool-down:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A partition Tidemark created is left alone this long before it may be split or merged again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backup interval:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time between backups; a partition written within it is copied by the next incremental backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of reads:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share of the score that reads may carry (0 to 1). Backups copy what was written, so reads weigh little by default.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved. The next scan and plan use these settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The merge threshold must be below the split threshold; the gap between them keeps partitions from flapping.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The smallest target size must not exceed the largest.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::widgets::HeatmapLegend</name>
    <message>
        <source>Volatility colour legend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hot</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::widgets::PartitionLayoutStrip</name>
    <message>
        <source>Partition layout before and after the plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2
Score %3%4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (changed by the plan)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tidemark::widgets::VolatilityHeatmap</name>
    <message>
        <source>Volatility heatmap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partitions in key order by time; colour is the volatility score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partition %1
Bounds %2
Rows %3, size %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No sample at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score %1 at %2
Writes %3/s, reads %4/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
