<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>main</name>
    <message>
        <source>Watch partitions, review and approve plans, and watch them run.</source>
        <translation>Partitionen beobachten, Pläne prüfen und genehmigen und ihre Ausführung verfolgen.</translation>
    </message>
    <message>
        <source>Metadata store (default: %1).</source>
        <translation>Metadatenspeicher (Standard: %1).</translation>
    </message>
    <message>
        <source>Open the demo database at PATH, creating it if missing, and run its workload.</source>
        <translation>Die Demo-Datenbank unter PATH öffnen (bei Bedarf anlegen) und ihre Last starten.</translation>
    </message>
    <message>
        <source>Rows of a newly created demo.</source>
        <translation>Zeilen einer neu angelegten Demo.</translation>
    </message>
    <message>
        <source>Partitions of a newly created demo.</source>
        <translation>Partitionen einer neu angelegten Demo.</translation>
    </message>
    <message>
        <source>How long the demo workload runs (0: none).</source>
        <translation>Wie lange die Demo-Last läuft (0: gar nicht).</translation>
    </message>
    <message>
        <source>Rescan every S seconds instead of the connection&apos;s sampling interval.</source>
        <translation>Alle S Sekunden neu abtasten statt im Abtastintervall der Verbindung.</translation>
    </message>
    <message>
        <source>Save a PNG of the window once the heatmap has drawn N scans, then quit.</source>
        <translation>Ein PNG des Fensters speichern, sobald die Heatmap N Abtastungen gezeichnet hat, dann beenden.</translation>
    </message>
    <message>
        <source>Scans to wait for before the screenshot.</source>
        <translation>Abtastungen, auf die vor dem Bildschirmfoto gewartet wird.</translation>
    </message>
    <message>
        <source>The demo at --demo is the event-log demo (log segments to compact and archive), without a workload.</source>
        <translation>Die Demo unter --demo ist die Ereignisprotokoll-Demo (Log-Segmente zum Verdichten und Archivieren), ohne Last.</translation>
    </message>
    <message>
        <source>Page to start on (1 = overview … 9 = nodes).</source>
        <translation>Startseite (1 = Übersicht … 9 = Knoten).</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::AuditLogModel</name>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Einzelheiten</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ConnectionBuilder</name>
    <message>
        <source>SS&amp;L mode:</source>
        <translation>SS&amp;L-Modus:</translation>
    </message>
    <message>
        <source>SQLite file</source>
        <translation>SQLite-Datei</translation>
    </message>
    <message>
        <source>PostgreSQL</source>
        <translation>PostgreSQL</translation>
    </message>
    <message>
        <source>MariaDB</source>
        <translation>MariaDB</translation>
    </message>
    <message>
        <source>Other (type the URI)</source>
        <translation>Andere (URI eingeben)</translation>
    </message>
    <message>
        <source>Database kind</source>
        <translation>Art der Datenbank</translation>
    </message>
    <message>
        <source>optional: a name to show instead of the URI</source>
        <translation>optional: ein Name, der statt der URI gezeigt wird</translation>
    </message>
    <message>
        <source>Connection name</source>
        <translation>Name der Verbindung</translation>
    </message>
    <message>
        <source>/path/to/database.db</source>
        <translation>/pfad/zur/datenbank.db</translation>
    </message>
    <message>
        <source>SQLite database file</source>
        <translation>SQLite-Datenbankdatei</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>localhost</source>
        <translation>localhost</translation>
    </message>
    <message>
        <source>kept in the keychain or the password file, never in the URI</source>
        <translation>im Schlüsselbund oder in der Passwortdatei, nie in der URI</translation>
    </message>
    <message>
        <source>prefer (TLS when the server offers it)</source>
        <translation>prefer (TLS, wenn der Server es anbietet)</translation>
    </message>
    <message>
        <source>disable (never TLS)</source>
        <translation>disable (nie TLS)</translation>
    </message>
    <message>
        <source>allow (TLS only when the server insists)</source>
        <translation>allow (TLS nur, wenn der Server darauf besteht)</translation>
    </message>
    <message>
        <source>require (always TLS)</source>
        <translation>require (immer TLS)</translation>
    </message>
    <message>
        <source>verify-ca (TLS, certificate checked)</source>
        <translation>verify-ca (TLS, Zertifikat geprüft)</translation>
    </message>
    <message>
        <source>verify-full (TLS, certificate and host name checked)</source>
        <translation>verify-full (TLS, Zertifikat und Hostname geprüft)</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Host:</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>P&amp;ort:</translation>
    </message>
    <message>
        <source>Data&amp;base:</source>
        <translation>Daten&amp;bank:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>Ben&amp;utzer:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>SSL mode</source>
        <translation>SSL-Modus</translation>
    </message>
    <message>
        <source>scheme://host/database</source>
        <translation>schema://host/datenbank</translation>
    </message>
    <message>
        <source>Connection URI</source>
        <translation>Verbindungs-URI</translation>
    </message>
    <message>
        <source>Passwords never go into the URI: Tidemark reads them from the system keychain or the database&apos;s own password file (~/.pgpass, ~/.my.cnf).</source>
        <translation>Passwörter gehören nie in die URI: Tidemark liest sie aus dem Schlüsselbund des Systems oder aus der Passwortdatei der Datenbank (~/.pgpass, ~/.my.cnf).</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>&amp;Art:</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>Na&amp;me:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>Datenbank:</translation>
    </message>
    <message>
        <source>Choose a SQLite database</source>
        <translation>SQLite-Datenbank wählen</translation>
    </message>
    <message>
        <source>SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)</source>
        <translation>SQLite-Datenbanken (*.db *.sqlite *.sqlite3);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ConnectionWords</name>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>%1 as %2</source>
        <translation>%1 als %2</translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation>noch nicht geprüft</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>wird geprüft …</translation>
    </message>
    <message>
        <source>reachable</source>
        <translation>erreichbar</translation>
    </message>
    <message>
        <source>password or user refused</source>
        <translation>Passwort oder Benutzer abgelehnt</translation>
    </message>
    <message>
        <source>server does not answer</source>
        <translation>Server antwortet nicht</translation>
    </message>
    <message>
        <source>database not found</source>
        <translation>Datenbank nicht gefunden</translation>
    </message>
    <message>
        <source>no connector for this kind</source>
        <translation>kein Konnektor für diese Art</translation>
    </message>
    <message>
        <source>check stopped</source>
        <translation>Prüfung abgebrochen</translation>
    </message>
    <message>
        <source>cannot be read</source>
        <translation>kann nicht gelesen werden</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ConnectionsPage</name>
    <message>
        <source>it names no kind of database; write it as sqlite:///path/to/file.db or postgresql://user@host:port/database</source>
        <translation>sie nennt keine Art von Datenbank; schreiben Sie sie als sqlite:///pfad/zur/datei.db oder postgresql://benutzer@host:port/datenbank</translation>
    </message>
    <message>
        <source>no connector plugin for %1 is loaded</source>
        <translation>kein Connector-Plugin für %1 ist geladen</translation>
    </message>
    <message>
        <source>Add connection</source>
        <translation>Verbindung hinzufügen</translation>
    </message>
    <message>
        <source>%1 cannot be used now: %2

Add it anyway? Its password is saved only if you add it.</source>
        <translation>%1 ist jetzt nicht nutzbar: %2

Trotzdem hinzufügen? Das Passwort wird nur gespeichert, wenn Sie sie hinzufügen.</translation>
    </message>
    <message>
        <source>Add &amp;anyway</source>
        <translation>&amp;Trotzdem hinzufügen</translation>
    </message>
    <message>
        <source>%1 cannot be tested: it names no kind of database; write it as sqlite:///path/to/file.db or postgresql://user@host:port/database</source>
        <translation>%1 kann nicht getestet werden: sie nennt keine Art von Datenbank; schreiben Sie sie als sqlite:///pfad/zur/datei.db oder postgresql://benutzer@host:port/datenbank</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation>&amp;Testen</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>Open the &amp;demo database</source>
        <translation>&amp;Demo-Datenbank öffnen</translation>
    </message>
    <message>
        <source>URI:</source>
        <translation>URI:</translation>
    </message>
    <message>
        <source>Connector plugin</source>
        <translation>Konnektor-Plugin</translation>
    </message>
    <message>
        <source>Schemes</source>
        <translation>Schemata</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Connector plugins</source>
        <translation>Konnektor-Plugins</translation>
    </message>
    <message>
        <source>loaded</source>
        <translation>geladen</translation>
    </message>
    <message>
        <source>refused: %1</source>
        <translation>abgelehnt: %1</translation>
    </message>
    <message>
        <source>No connector plugin found; set TIDEMARK_PLUGIN_DIR</source>
        <translation>Kein Konnektor-Plugin gefunden; TIDEMARK_PLUGIN_DIR setzen</translation>
    </message>
    <message>
        <source>Connectors</source>
        <translation>Konnektoren</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 cannot be used: %2</source>
        <translation>%1 ist nicht nutzbar: %2</translation>
    </message>
    <message>
        <source>(fill in the database above)</source>
        <translation>(oben die Datenbank angeben)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation>Änderungen &amp;speichern</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>Re&amp;move…</source>
        <translation>Ent&amp;fernen…</translation>
    </message>
    <message>
        <source>Add the connection described below (Ctrl+Return)</source>
        <translation>Die unten beschriebene Verbindung hinzufügen (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Save the name, password or URI below over the selected connection</source>
        <translation>Name, Passwort oder URI von unten für die gewählte Verbindung speichern</translation>
    </message>
    <message>
        <source>Connect and list the partitioned tables, without adding (Ctrl+T)</source>
        <translation>Verbinden und die partitionierten Tabellen auflisten, ohne hinzuzufügen (Strg+T)</translation>
    </message>
    <message>
        <source>Load the selected connection into the form below (F2)</source>
        <translation>Die gewählte Verbindung in das Formular unten laden (F2)</translation>
    </message>
    <message>
        <source>Remove the selected connection; its plans and audit trail stay in History (Delete)</source>
        <translation>Die gewählte Verbindung entfernen; ihre Pläne und ihr Prüfprotokoll bleiben im Verlauf (Entf)</translation>
    </message>
    <message>
        <source>Add or edit a connection</source>
        <translation>Verbindung hinzufügen oder bearbeiten</translation>
    </message>
    <message>
        <source>Passwords are kept in the system keychain.</source>
        <translation>Passwörter werden im Schlüsselbund des Systems aufbewahrt.</translation>
    </message>
    <message>
        <source>No keychain is running: passwords go to ~/.pgpass or ~/.my.cnf (mode 0600).</source>
        <translation>Kein Schlüsselbund läuft: Passwörter kommen nach ~/.pgpass oder ~/.my.cnf (Modus 0600).</translation>
    </message>
    <message>
        <source>Ctrl+Return</source>
        <translation>Ctrl+Return</translation>
    </message>
    <message>
        <source>Ctrl+T</source>
        <translation>Ctrl+T</translation>
    </message>
    <message>
        <source>F2</source>
        <translation>F2</translation>
    </message>
    <message>
        <source>The password of %1 is kept in %2.</source>
        <translation>Das Passwort von %1 liegt in %2.</translation>
    </message>
    <message>
        <source>The password of %1 was not saved: %2</source>
        <translation>Das Passwort von %1 wurde nicht gespeichert: %2</translation>
    </message>
    <message>
        <source>The password of %1 was not saved: no keychain is running and %2 has no password file. Start a Secret Service (e.g. gnome-keyring) and add it again.</source>
        <translation>Das Passwort von %1 wurde nicht gespeichert: kein Schlüsselbund läuft und %2 hat keine Passwortdatei. Einen Secret Service (z. B. gnome-keyring) starten und erneut hinzufügen.</translation>
    </message>
    <message>
        <source>%1 cannot be tested: no connector plugin for %2 is loaded. The connection can still be added; install the %2 connector to scan it.</source>
        <translation>%1 kann nicht getestet werden: kein Konnektor-Plugin für %2 ist geladen. Die Verbindung lässt sich trotzdem hinzufügen; zum Abtasten den %2-Konnektor installieren.</translation>
    </message>
    <message>
        <source>Remove connection</source>
        <translation>Verbindung entfernen</translation>
    </message>
    <message>
        <source>Remove the connection %1?

Its samples and scores are deleted. Its plans and audit trail stay in History; its password is removed from the keychain.</source>
        <translation>Die Verbindung %1 entfernen?

Ihre Abtastungen und Werte werden gelöscht. Ihre Pläne und ihr Prüfprotokoll bleiben im Verlauf; ihr Passwort wird aus dem Schlüsselbund entfernt.</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>C&amp;heck</source>
        <translation>Prü&amp;fen</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Ort</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Connect to the selected database again and say whether it can be used</source>
        <translation>Erneut mit der gewählten Datenbank verbinden und sagen, ob sie nutzbar ist</translation>
    </message>
    <message>
        <source>scanned at %1</source>
        <translation>abgetastet um %1</translation>
    </message>
    <message>
        <source>S&amp;top test</source>
        <translation>Test a&amp;bbrechen</translation>
    </message>
    <message>
        <source>Stop the test that runs (Esc)</source>
        <translation>Den laufenden Test abbrechen (Esc)</translation>
    </message>
    <message>
        <source>The test of %1 was stopped; nothing was added.</source>
        <translation>Der Test von %1 wurde abgebrochen; nichts wurde hinzugefügt.</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>Testing %1 before adding it… (Esc stops)</source>
        <translation>%1 wird vor dem Hinzufügen getestet … (Esc bricht ab)</translation>
    </message>
    <message>
        <source>Testing %1… (Esc stops)</source>
        <translation>%1 wird getestet … (Esc bricht ab)</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::CopyToNodeDialog</name>
    <message>
        <source>Move %1 to a node</source>
        <translation>%1 auf einen Knoten verschieben</translation>
    </message>
    <message>
        <source>Copy %1 to a node</source>
        <translation>%1 auf einen Knoten kopieren</translation>
    </message>
    <message>
        <source>Plan moving partition %1 of %2 to another node. The plan opens on Plan review; nothing changes before you approve it.</source>
        <translation>Das Verschieben der Partition %1 von %2 auf einen anderen Knoten planen. Der Plan öffnet sich in der Planprüfung; nichts ändert sich, bevor Sie ihn genehmigen.</translation>
    </message>
    <message>
        <source>Plan copying partition %1 of %2 to another node. The plan opens on Plan review; nothing changes before you approve it.</source>
        <translation>Das Kopieren der Partition %1 von %2 auf einen anderen Knoten planen. Der Plan öffnet sich in der Planprüfung; nichts ändert sich, bevor Sie ihn genehmigen.</translation>
    </message>
    <message>
        <source>Receiving node</source>
        <translation>Empfangender Knoten</translation>
    </message>
    <message>
        <source>Reading the node catalogue…</source>
        <translation>Der Knotenkatalog wird gelesen …</translation>
    </message>
    <message>
        <source>&amp;Plan</source>
        <translation>&amp;Planen</translation>
    </message>
    <message>
        <source>&amp;To node:</source>
        <translation>&amp;Auf Knoten:</translation>
    </message>
    <message>
        <source>%1 (%2, %3)</source>
        <translation>%1 (%2, %3)</translation>
    </message>
    <message>
        <source>No other node in the catalogue: add one on the Nodes page (Ctrl+9)</source>
        <translation>Kein anderer Knoten im Katalog: fügen Sie auf der Seite „Knoten“ einen hinzu (Strg+9)</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::DemoWorkload</name>
    <message>
        <source>Creating the demo database failed: %1</source>
        <translation>Die Demo-Datenbank konnte nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>Could not start %1: %2. Build tidemark-cli or set TIDEMARK_BIN_DIR.</source>
        <translation>%1 ließ sich nicht starten: %2. tidemark-cli bauen oder TIDEMARK_BIN_DIR setzen.</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::EngineClient</name>
    <message>
        <source>Executing a plan</source>
        <translation>Ein Plan wird ausgeführt</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Opening the metadata store</source>
        <translation>Öffne den Metadatenspeicher</translation>
    </message>
    <message>
        <source>Reading connections</source>
        <translation>Lese Verbindungen</translation>
    </message>
    <message>
        <source>Adding a connection</source>
        <translation>Füge eine Verbindung hinzu</translation>
    </message>
    <message>
        <source>Testing %1</source>
        <translation>Teste %1</translation>
    </message>
    <message numerus="yes">
        <source>Connected: %n partitioned table(s)</source>
        <translation>
            <numerusform>Verbunden: %n partitionierte Tabelle</numerusform>
            <numerusform>Verbunden: %n partitionierte Tabellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n partition(s)</source>
        <translation>
            <numerusform>%n Partition</numerusform>
            <numerusform>%n Partitionen</numerusform>
        </translation>
    </message>
    <message>
        <source>Scanning %1</source>
        <translation>Taste %1 ab</translation>
    </message>
    <message>
        <source>Planning %1</source>
        <translation>Plane %1</translation>
    </message>
    <message>
        <source>Reading plan %1</source>
        <translation>Lese Plan %1</translation>
    </message>
    <message>
        <source>Approving plan %1</source>
        <translation>Genehmige Plan %1</translation>
    </message>
    <message>
        <source>Rejecting plan %1</source>
        <translation>Lehne Plan %1 ab</translation>
    </message>
    <message>
        <source>A plan is already executing</source>
        <translation>Es wird bereits ein Plan ausgeführt</translation>
    </message>
    <message>
        <source>wait for it to finish or cancel it</source>
        <translation>warten, bis er fertig ist, oder ihn abbrechen</translation>
    </message>
    <message>
        <source>Executing plan %1</source>
        <translation>Führe Plan %1 aus</translation>
    </message>
    <message>
        <source>Reading history</source>
        <translation>Lese den Verlauf</translation>
    </message>
    <message>
        <source>Reading the audit trail</source>
        <translation>Lese das Prüfprotokoll</translation>
    </message>
    <message>
        <source>Reading settings</source>
        <translation>Lese Einstellungen</translation>
    </message>
    <message>
        <source>Saving settings</source>
        <translation>Speichere Einstellungen</translation>
    </message>
    <message>
        <source>Removing a connection</source>
        <translation>Entferne eine Verbindung</translation>
    </message>
    <message>
        <source>Renaming a connection</source>
        <translation>Benenne eine Verbindung um</translation>
    </message>
    <message>
        <source>Preparing %1 for the backup</source>
        <translation>%1 wird für das Backup vorbereitet</translation>
    </message>
    <message>
        <source>Rebalancing %1 after the backup</source>
        <translation>%1 wird nach dem Backup neu ausgeglichen</translation>
    </message>
    <message>
        <source>Settling interrupted steps</source>
        <translation>Unterbrochene Schritte werden abgeschlossen</translation>
    </message>
    <message>
        <source>Forecasting %1</source>
        <translation>Prognose für %1</translation>
    </message>
    <message>
        <source>Surveying the segments of %1</source>
        <translation>Erfasse die Segmente von %1</translation>
    </message>
    <message>
        <source>Planning the archive of %1</source>
        <translation>Plane die Archivierung von %1</translation>
    </message>
    <message>
        <source>Planning the compaction of %1</source>
        <translation>Verdichtung von %1 wird geplant</translation>
    </message>
    <message>
        <source>Planning the move of %1</source>
        <translation>Das Verschieben von %1 wird geplant</translation>
    </message>
    <message>
        <source>Planning the copy of %1</source>
        <translation>Das Kopieren von %1 wird geplant</translation>
    </message>
    <message>
        <source>Node %1 does not answer now (%2); it is sized from the catalogue alone.</source>
        <translation>Knoten %1 antwortet gerade nicht (%2); er wird allein nach dem Katalog bemessen.</translation>
    </message>
    <message>
        <source>Reading the node catalogue</source>
        <translation>Der Knotenkatalog wird gelesen</translation>
    </message>
    <message>
        <source>Saving node %1</source>
        <translation>Knoten %1 wird gespeichert</translation>
    </message>
    <message>
        <source>Removing node %1</source>
        <translation>Knoten %1 wird entfernt</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::EngineError</name>
    <message>
        <source>%1 — what to do: %2</source>
        <translation>%1 — was zu tun ist: %2</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ErrorBanner</name>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>What to do: %1</source>
        <translation>Was zu tun ist: %1</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::ForecastPage</name>
    <message>
        <source>No samples for this connection yet.</source>
        <translation>Für diese Verbindung gibt es noch keine Messwerte.</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Prognose</translation>
    </message>
    <message>
        <source>Writes per hour</source>
        <translation>Schreibvorgänge pro Stunde</translation>
    </message>
    <message>
        <source>Size (bytes)</source>
        <translation>Größe (Bytes)</translation>
    </message>
    <message>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <source>How many hours ahead to forecast</source>
        <translation>Wie viele Stunden im Voraus prognostiziert wird</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>Partition, or the whole table</source>
        <translation>Partition oder die ganze Tabelle</translation>
    </message>
    <message>
        <source>Choose a table or partition and press Forecast.</source>
        <translation>Wählen Sie eine Tabelle oder Partition und drücken Sie „Prognose“.</translation>
    </message>
    <message>
        <source>Table:</source>
        <translation>Tabelle:</translation>
    </message>
    <message>
        <source>Partition:</source>
        <translation>Partition:</translation>
    </message>
    <message>
        <source>Series:</source>
        <translation>Reihe:</translation>
    </message>
    <message>
        <source>Horizon:</source>
        <translation>Horizont:</translation>
    </message>
    <message>
        <source>(whole table)</source>
        <translation>(ganze Tabelle)</translation>
    </message>
    <message>
        <source>Choose a connection with a partitioned table first.</source>
        <translation>Wählen Sie zuerst eine Verbindung mit einer partitionierten Tabelle.</translation>
    </message>
    <message>
        <source>Forecasting…</source>
        <translation>Prognose wird berechnet…</translation>
    </message>
    <message>
        <source>No forecast for %1: %2</source>
        <translation>Keine Prognose für %1: %2</translation>
    </message>
    <message>
        <source>95 % interval</source>
        <translation>95-%-Intervall</translation>
    </message>
    <message>
        <source>80 % interval</source>
        <translation>80-%-Intervall</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>writes per hour</source>
        <translation>Schreibvorgänge pro Stunde</translation>
    </message>
    <message>
        <source>bytes</source>
        <translation>Bytes</translation>
    </message>
    <message>
        <source>not measured</source>
        <translation>nicht gemessen</translation>
    </message>
    <message>
        <source>%1: model %2, hold-out MASE %3</source>
        <translation>%1: Modell %2, Hold-out-MASE %3</translation>
    </message>
    <message>
        <source>Pre-backup planner: %1 — the forecast keeps missing, so the reactive rules apply.</source>
        <translation>Planer vor der Sicherung: %1 — die Prognose liegt wiederholt daneben, daher gelten die reaktiven Regeln.</translation>
    </message>
    <message>
        <source>Pre-backup planner: %1</source>
        <translation>Planer vor der Sicherung: %1</translation>
    </message>
    <message>
        <source>Tracked forecasts: none checked yet. The pre-backup planner records the forecast it is given; scans check it against the samples once its window has passed.</source>
        <translation>Verfolgte Prognosen: noch keine geprüft. Der Planer vor der Sicherung hält die Prognose fest, die er bekommt; Scans prüfen sie an den Messwerten, sobald ihr Zeitfenster vorbei ist.</translation>
    </message>
    <message>
        <source>Tracked forecasts: %1 checked, %2 outside their 95 % band. Last check (%3 – %4): %5 writes against a band of %6–%7, %8.</source>
        <translation>Verfolgte Prognosen: %1 geprüft, %2 außerhalb ihres 95-%-Bands. Letzte Prüfung (%3 – %4): %5 Schreibvorgänge bei einem Band von %6–%7, %8.</translation>
    </message>
    <message>
        <source>a miss</source>
        <translation>ein Fehlgriff</translation>
    </message>
    <message>
        <source>a hit</source>
        <translation>ein Treffer</translation>
    </message>
    <message>
        <source>Waiting for the partition list of %1…</source>
        <translation>Warte auf die Partitionsliste von %1…</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::HeatmapPage</name>
    <message>
        <source>&amp;Rescan automatically</source>
        <translation>Automatisch &amp;neu abtasten</translation>
    </message>
    <message>
        <source>&amp;Scan now</source>
        <translation>Jetzt &amp;abtasten</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>Sample the database at the connection&apos;s sampling interval</source>
        <translation>Die Datenbank im Abtastintervall der Verbindung abtasten</translation>
    </message>
    <message>
        <source>Sample activity now (F5)</source>
        <translation>Aktivität jetzt abtasten (F5)</translation>
    </message>
    <message>
        <source>&amp;Table:</source>
        <translation>&amp;Tabelle:</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Vergrößern</translation>
    </message>
    <message>
        <source>Show fewer samples, wider (Ctrl+wheel, +)</source>
        <translation>Weniger Abtastungen, breiter zeigen (Strg+Mausrad, +)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Verkleinern</translation>
    </message>
    <message>
        <source>Show more samples (Ctrl+wheel, −)</source>
        <translation>Mehr Abtastungen zeigen (Strg+Mausrad, −)</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>Show the whole time range (0)</source>
        <translation>Den ganzen Zeitraum zeigen (0)</translation>
    </message>
    <message>
        <source>Click a row to see the partition; hover a cell for its score and counts; double-click or press Enter to forecast it.</source>
        <translation>Zeile anklicken, um die Partition zu sehen; über einer Zelle verweilen für Score und Zähler; Doppelklick oder Eingabe für ihre Prognose.</translation>
    </message>
    <message>
        <source>Partitions of the table</source>
        <translation>Partitionen der Tabelle</translation>
    </message>
    <message>
        <source>Scanning failed</source>
        <translation>Abtasten fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1 %2: %3 rows, %4, score %5, %6 writes/s</source>
        <translation>%1 %2: %3 Zeilen, %4, Wert %5, %6 Schreibvorgänge/s</translation>
    </message>
    <message>
        <source>&amp;Forecast this partition</source>
        <translation>Diese Partition &amp;prognostizieren</translation>
    </message>
    <message>
        <source>Open the Forecasts page for the selected partition</source>
        <translation>Die Seite Prognosen für die gewählte Partition öffnen</translation>
    </message>
    <message>
        <source>&amp;Copy to node…</source>
        <translation>Auf Knoten &amp;kopieren …</translation>
    </message>
    <message>
        <source>&amp;Move to node…</source>
        <translation>Auf Knoten &amp;verschieben …</translation>
    </message>
    <message>
        <source>Plan copying the partition to a node of the catalogue; the plan opens on Plan review</source>
        <translation>Das Kopieren der Partition auf einen Knoten des Katalogs planen; der Plan öffnet sich in der Planprüfung</translation>
    </message>
    <message>
        <source>Plan moving the partition to a node of the catalogue; the plan opens on Plan review</source>
        <translation>Das Verschieben der Partition auf einen Knoten des Katalogs planen; der Plan öffnet sich in der Planprüfung</translation>
    </message>
    <message>
        <source>The partition cannot be copied or moved</source>
        <translation>Die Partition kann nicht kopiert oder verschoben werden</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::HistoryPage</name>
    <message>
        <source>Past plans</source>
        <translation>Frühere Pläne</translation>
    </message>
    <message>
        <source>Audit trail of the selected plan</source>
        <translation>Prüfprotokoll des gewählten Plans</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>&amp;Open in plan review</source>
        <translation>In der Plan&amp;prüfung öffnen</translation>
    </message>
    <message>
        <source>Plans</source>
        <translation>Pläne</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <source>Reading the history failed</source>
        <translation>Der Verlauf konnte nicht gelesen werden</translation>
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
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Tidemark</source>
        <translation>Tidemark</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>Heatmap</translation>
    </message>
    <message>
        <source>Plan review</source>
        <translation>Planprüfung</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Seiten</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>The metadata store cannot be opened</source>
        <translation>Der Metadatenspeicher lässt sich nicht öffnen</translation>
    </message>
    <message>
        <source>Demo database</source>
        <translation>Demo-Datenbank</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Open the &amp;demo database</source>
        <translation>&amp;Demo-Datenbank öffnen</translation>
    </message>
    <message>
        <source>Ctrl+D</source>
        <translation>Ctrl+D</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Zoom &amp;in on time</source>
        <translation>Zeit&amp;achse vergrößern</translation>
    </message>
    <message>
        <source>Zoom &amp;out on time</source>
        <translation>Zeitachse &amp;verkleinern</translation>
    </message>
    <message>
        <source>&amp;Fit the whole time range</source>
        <translation>Ganzen Zeitraum &amp;einpassen</translation>
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
        <translation>Jetzt &amp;abtasten</translation>
    </message>
    <message>
        <source>&amp;Propose a plan</source>
        <translation>Plan &amp;vorschlagen</translation>
    </message>
    <message>
        <source>Ctrl+P</source>
        <translation>Ctrl+P</translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation>&amp;Genehmigen…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+A</source>
        <translation>Ctrl+Shift+A</translation>
    </message>
    <message>
        <source>&amp;Reject…</source>
        <translation>Ab&amp;lehnen…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+R</source>
        <translation>Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>&amp;Execute</source>
        <translation>Aus&amp;führen</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>&amp;Cancel execution</source>
        <translation>Ausführung a&amp;bbrechen</translation>
    </message>
    <message>
        <source>Ctrl+Shift+X</source>
        <translation>Ctrl+Shift+X</translation>
    </message>
    <message>
        <source>Sa&amp;ve settings</source>
        <translation>Einstellungen &amp;speichern</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>%1	%2</source>
        <translation>%1	%2</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;About Tidemark</source>
        <translation>&amp;Über Tidemark</translation>
    </message>
    <message>
        <source>About Tidemark</source>
        <translation>Über Tidemark</translation>
    </message>
    <message>
        <source>Tidemark %1
Watches how partitions are written, proposes splits and merges before backups, and runs them only after you approve.</source>
        <translation>Tidemark %1
Beobachtet, wie Partitionen beschrieben werden, schlägt vor Sicherungen Teilungen und Zusammenlegungen vor und führt sie erst nach Ihrer Genehmigung aus.</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Hauptleiste</translation>
    </message>
    <message>
        <source>Co&amp;nnection:</source>
        <translation>&amp;Verbindung:</translation>
    </message>
    <message>
        <source>Interrupted work was settled</source>
        <translation>Unterbrochene Arbeit wurde abgeschlossen</translation>
    </message>
    <message>
        <source>Welcome to Tidemark</source>
        <translation>Willkommen bei Tidemark</translation>
    </message>
    <message>
        <source>There is no database to watch yet. Create the demo database (a SQLite file with a partitioned orders table and a workload that keeps it busy)?</source>
        <translation>Noch wird keine Datenbank beobachtet. Die Demo-Datenbank anlegen (eine SQLite-Datei mit einer partitionierten Tabelle „orders“ und einer Last, die sie beschäftigt)?</translation>
    </message>
    <message>
        <source>Create the &amp;demo</source>
        <translation>&amp;Demo anlegen</translation>
    </message>
    <message>
        <source>&amp;Add my own database</source>
        <translation>&amp;Eigene Datenbank hinzufügen</translation>
    </message>
    <message>
        <source>Preparing the demo database %1…</source>
        <translation>Bereite die Demo-Datenbank %1 vor…</translation>
    </message>
    <message>
        <source>%1 — Tidemark</source>
        <translation>%1 — Tidemark</translation>
    </message>
    <message>
        <source>A plan is executing</source>
        <translation>Ein Plan wird ausgeführt</translation>
    </message>
    <message>
        <source>Stop it safely and quit? The running step rolls back; finished steps stay done.</source>
        <translation>Sicher anhalten und beenden? Der laufende Schritt wird zurückgerollt; fertige Schritte bleiben erledigt.</translation>
    </message>
    <message>
        <source>&amp;New connection…</source>
        <translation>&amp;Neue Verbindung…</translation>
    </message>
    <message>
        <source>&amp;Optimize before backup…</source>
        <translation>Vor dem Backup &amp;optimieren …</translation>
    </message>
    <message>
        <source>Ctrl+B</source>
        <translation>Ctrl+B</translation>
    </message>
    <message>
        <source>Post-backup &amp;rebalance…</source>
        <translation>&amp;Neuausgleich nach dem Backup …</translation>
    </message>
    <message>
        <source>Ctrl+Shift+B</source>
        <translation>Ctrl+Shift+B</translation>
    </message>
    <message>
        <source>Forecasts</source>
        <translation>Prognosen</translation>
    </message>
    <message>
        <source>S&amp;top waiting</source>
        <translation>Warten a&amp;bbrechen</translation>
    </message>
    <message>
        <source>Stop the scan, plan, connection test or forecast that is waiting on a database (Esc)</source>
        <translation>Den Scan, Plan, Verbindungstest oder die Prognose abbrechen, die auf eine Datenbank warten (Esc)</translation>
    </message>
    <message>
        <source>This connection cannot split or merge partitions: %1</source>
        <translation>Diese Verbindung kann keine Partitionen teilen oder zusammenlegen: %1</translation>
    </message>
    <message>
        <source>Compaction queue</source>
        <translation>Verdichtungswarteschlange</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>Knoten</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::NodeDialog</name>
    <message>
        <source>primary</source>
        <translation>primär</translation>
    </message>
    <message>
        <source>replica</source>
        <translation>Replikat</translation>
    </message>
    <message>
        <source>shard</source>
        <translation>Shard</translation>
    </message>
    <message>
        <source>archive</source>
        <translation>Archiv</translation>
    </message>
    <message>
        <source>Edit node %1</source>
        <translation>Knoten %1 bearbeiten</translation>
    </message>
    <message>
        <source>Add a node</source>
        <translation>Knoten hinzufügen</translation>
    </message>
    <message>
        <source>e.g. db2 or replica-east</source>
        <translation>z. B. db2 oder replica-east</translation>
    </message>
    <message>
        <source>The database the node serves: type its URI or pick a saved connection</source>
        <translation>Die Datenbank, die der Knoten bedient: URI eingeben oder eine gespeicherte Verbindung wählen</translation>
    </message>
    <message>
        <source>e.g. postgresql://db2/sales or sqlite:///srv/db.sqlite</source>
        <translation>z. B. postgresql://db2/sales oder sqlite:///srv/db.sqlite</translation>
    </message>
    <message>
        <source>e.g. 500G or 1.5T; empty when not known</source>
        <translation>z. B. 500G oder 1.5T; leer, wenn unbekannt</translation>
    </message>
    <message>
        <source>e.g. 64G; empty when not known</source>
        <translation>z. B. 64G; leer, wenn unbekannt</translation>
    </message>
    <message>
        <source>not known</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Connection:</source>
        <translation>&amp;Verbindung:</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rolle:</translation>
    </message>
    <message>
        <source>&amp;Disk:</source>
        <translation>&amp;Platte:</translation>
    </message>
    <message>
        <source>C&amp;ores:</source>
        <translation>K&amp;erne:</translation>
    </message>
    <message>
        <source>&amp;Memory:</source>
        <translation>&amp;Speicher:</translation>
    </message>
    <message>
        <source>No&amp;tes:</source>
        <translation>No&amp;tizen:</translation>
    </message>
    <message>
        <source>Give the node a name, such as db2 or replica-east.</source>
        <translation>Geben Sie dem Knoten einen Namen, etwa db2 oder replica-east.</translation>
    </message>
    <message>
        <source>Give the URI of the database the node serves (such as postgresql://db2/sales or sqlite:///srv/db.sqlite), or pick a saved connection.</source>
        <translation>Geben Sie die URI der Datenbank an, die der Knoten bedient (etwa postgresql://db2/sales oder sqlite:///srv/db.sqlite), oder wählen Sie eine gespeicherte Verbindung.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a database URI. Give one such as postgresql://db2/sales or sqlite:///srv/db.sqlite.</source>
        <translation>„%1“ ist keine Datenbank-URI. Geben Sie eine an wie postgresql://db2/sales oder sqlite:///srv/db.sqlite.</translation>
    </message>
    <message>
        <source>No connector handles URIs of the scheme &quot;%1&quot;. Use one of: %2.</source>
        <translation>Kein Konnektor bedient URIs des Schemas „%1“. Verwenden Sie eines von: %2.</translation>
    </message>
    <message>
        <source>The name %1 is already used by the node on %2. Choose another name, or edit that node.</source>
        <translation>Der Name %1 gehört schon dem Knoten auf %2. Wählen Sie einen anderen Namen oder bearbeiten Sie jenen Knoten.</translation>
    </message>
    <message>
        <source>%1 is already the connection of node %2. Edit that node instead.</source>
        <translation>%1 ist schon die Verbindung von Knoten %2. Bearbeiten Sie stattdessen jenen Knoten.</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a size. Give one such as 500G, 64GiB or 1.5T (K, M, G, T, P are powers of 1024; a plain number is bytes), or leave it empty when it is not known.</source>
        <translation>%1: „%2“ ist keine Größe. Geben Sie eine an wie 500G, 64GiB oder 1.5T (K, M, G, T, P sind Potenzen von 1024; eine bloße Zahl sind Bytes), oder lassen Sie das Feld leer, wenn sie unbekannt ist.</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>Platte</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::NodesPage</name>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>no reading yet</source>
        <translation>noch keine Messung</translation>
    </message>
    <message>
        <source>%1 of %2 sessions active</source>
        <translation>%1 von %2 Sitzungen aktiv</translation>
    </message>
    <message numerus="yes">
        <source>%n session(s)</source>
        <translation>
            <numerusform>%n Sitzung</numerusform>
            <numerusform>%n Sitzungen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of data</source>
        <translation>%1 Daten</translation>
    </message>
    <message>
        <source>read %1</source>
        <translation>gemessen %1</translation>
    </message>
    <message>
        <source>%1 (read %2)</source>
        <translation>%1 (gemessen %2)</translation>
    </message>
    <message>
        <source>&amp;Add node…</source>
        <translation>Knoten &amp;hinzufügen …</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten …</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Entfernen …</translation>
    </message>
    <message>
        <source>The servers a plan may copy or move partitions to.</source>
        <translation>Die Server, auf die ein Plan Partitionen kopieren oder verschieben darf.</translation>
    </message>
    <message>
        <source>Add a database server to the node catalogue</source>
        <translation>Einen Datenbankserver in den Knotenkatalog aufnehmen</translation>
    </message>
    <message>
        <source>Change the selected node (Enter)</source>
        <translation>Den gewählten Knoten ändern (Eingabe)</translation>
    </message>
    <message>
        <source>Remove the selected node from the catalogue (Delete); its connection, plans and history stay</source>
        <translation>Den gewählten Knoten aus dem Katalog entfernen (Entf); seine Verbindung, Pläne und sein Verlauf bleiben</translation>
    </message>
    <message>
        <source>No nodes yet. Add the servers partitions may be copied or moved to with Add node….</source>
        <translation>Noch keine Knoten. Nehmen Sie mit „Knoten hinzufügen …“ die Server auf, auf die Partitionen kopiert oder verschoben werden dürfen.</translation>
    </message>
    <message>
        <source>Node catalogue</source>
        <translation>Knotenkatalog</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>Platte</translation>
    </message>
    <message>
        <source>Cores</source>
        <translation>Kerne</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>Latest reading</source>
        <translation>Letzte Messung</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>The node catalogue could not be read or changed</source>
        <translation>Der Knotenkatalog konnte nicht gelesen oder geändert werden</translation>
    </message>
    <message numerus="yes">
        <source>%n node(s) in the catalogue.</source>
        <translation>
            <numerusform>%n Knoten im Katalog.</numerusform>
            <numerusform>%n Knoten im Katalog.</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove node %1?</source>
        <translation>Knoten %1 entfernen?</translation>
    </message>
    <message>
        <source>Remove %1 from the node catalogue? Its connection, plans and history stay; plans can no longer copy or move partitions to it.</source>
        <translation>%1 aus dem Knotenkatalog entfernen? Seine Verbindung, Pläne und sein Verlauf bleiben; Pläne können keine Partitionen mehr dorthin kopieren oder verschieben.</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::OverviewPage</name>
    <message>
        <source>not read yet</source>
        <translation>noch nicht gelesen</translation>
    </message>
    <message>
        <source>cannot be read: %1</source>
        <translation>nicht lesbar: %1</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>No connection selected</source>
        <translation>Keine Verbindung gewählt</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Connection:</source>
        <translation>Verbindung:</translation>
    </message>
    <message>
        <source>Partitioned tables:</source>
        <translation>Partitionierte Tabellen:</translation>
    </message>
    <message>
        <source>Partitions:</source>
        <translation>Partitionen:</translation>
    </message>
    <message>
        <source>Total size:</source>
        <translation>Gesamtgröße:</translation>
    </message>
    <message>
        <source>Engine:</source>
        <translation>Engine:</translation>
    </message>
    <message>
        <source>Plans waiting for approval or execution</source>
        <translation>Pläne, die auf Genehmigung oder Ausführung warten</translation>
    </message>
    <message>
        <source>Open plans</source>
        <translation>Offene Pläne</translation>
    </message>
    <message>
        <source>Hottest partitions</source>
        <translation>Heißeste Partitionen</translation>
    </message>
    <message>
        <source>Hottest partitions (by volatility score)</source>
        <translation>Heißeste Partitionen (nach Volatilitätswert)</translation>
    </message>
    <message>
        <source>none found</source>
        <translation>keine gefunden</translation>
    </message>
    <message>
        <source>Plan %1 (%2): %3</source>
        <translation>Plan %1 (%2): %3</translation>
    </message>
    <message>
        <source>No plan is waiting.</source>
        <translation>Kein Plan wartet.</translation>
    </message>
    <message>
        <source>No recorded forecast checked yet</source>
        <translation>Noch keine festgehaltene Prognose geprüft</translation>
    </message>
    <message>
        <source>Checks of the write forecasts the pre-backup planner was given, against the samples of their windows. A partition whose recent forecasts keep missing their 95 % band is planned with the reactive rule (EWMA).</source>
        <translation>Prüfungen der Schreibprognosen, die der Planer vor der Sicherung bekam, an den Messwerten ihrer Zeitfenster. Eine Partition, deren letzte Prognosen immer wieder ihr 95-%-Band verfehlen, wird mit der reaktiven Regel (EWMA) geplant.</translation>
    </message>
    <message>
        <source>Write forecasts:</source>
        <translation>Schreibprognosen:</translation>
    </message>
    <message>
        <source>Partitions checked: %1; none keeps missing</source>
        <translation>Geprüfte Partitionen: %1; keine verfehlt wiederholt</translation>
    </message>
    <message>
        <source>Partitions checked: %2; keep missing: %1 — the pre-backup planner uses its reactive rule (EWMA) for them: %3</source>
        <translation>Geprüfte Partitionen: %2; wiederholt verfehlt: %1 — der Planer vor der Sicherung nutzt für sie seine reaktive Regel (EWMA): %3</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PartitionTableModel</name>
    <message>
        <source>baseline</source>
        <translation>Ausgangswert</translation>
    </message>
    <message>
        <source>baseline; scores from the next scan</source>
        <translation>Ausgangswert; Bewertungen ab der nächsten Abtastung</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Bounds</source>
        <translation>Grenzen</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Zeilen</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Writes/s</source>
        <translation>Schreibvorgänge/s</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PlanHistoryModel</name>
    <message>
        <source>superseded</source>
        <translation>ersetzt</translation>
    </message>
    <message>
        <source>proposed</source>
        <translation>vorgeschlagen</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>genehmigt</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>done</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>rolled back</source>
        <translation>zurückgerollt</translation>
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
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>Approved by</source>
        <translation>Genehmigt von</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PlanReviewPage</name>
    <message>
        <source>net per backup cycle: %1%2 (saves %3, its rewrite costs %4 per cycle)</source>
        <translation>netto je Sicherungszyklus: %1%2 (spart %3, das Umschreiben kostet %4 je Zyklus)</translation>
    </message>
    <message>
        <source>Left out at approval: this step does not run and its partitions stay as they are.</source>
        <translation>Bei der Freigabe ausgelassen: dieser Schritt läuft nicht, seine Partitionen bleiben, wie sie sind.</translation>
    </message>
    <message>
        <source>Nothing to do: %1</source>
        <translation>Nichts zu tun: %1</translation>
    </message>
    <message>
        <source>&amp;Propose a plan</source>
        <translation>Plan &amp;vorschlagen</translation>
    </message>
    <message>
        <source>&amp;Copy SQL</source>
        <translation>SQL &amp;kopieren</translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation>&amp;Genehmigen…</translation>
    </message>
    <message>
        <source>&amp;Reject…</source>
        <translation>Ab&amp;lehnen…</translation>
    </message>
    <message>
        <source>&amp;Execute</source>
        <translation>Aus&amp;führen</translation>
    </message>
    <message>
        <source>Ca&amp;ncel</source>
        <translation>A&amp;bbrechen</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Plan</translation>
    </message>
    <message>
        <source>Scan now and propose splits and merges for the next backup (Ctrl+P)</source>
        <translation>Jetzt abtasten und Teilungen und Zusammenlegungen für die nächste Sicherung vorschlagen (Strg+P)</translation>
    </message>
    <message>
        <source>Approve the plan; you are recorded as the approver (Ctrl+Shift+A)</source>
        <translation>Den Plan genehmigen; Sie werden als Genehmigende(r) vermerkt (Strg+Umschalt+A)</translation>
    </message>
    <message>
        <source>Reject the plan; nothing is changed (Ctrl+Shift+R)</source>
        <translation>Den Plan ablehnen; nichts wird geändert (Strg+Umschalt+R)</translation>
    </message>
    <message>
        <source>Run the approved plan step by step, verifying each (Ctrl+E)</source>
        <translation>Den genehmigten Plan Schritt für Schritt ausführen und jeden prüfen (Strg+E)</translation>
    </message>
    <message>
        <source>Stop safely: the running step rolls back, no new step starts (Ctrl+Shift+X)</source>
        <translation>Sicher anhalten: der laufende Schritt wird zurückgerollt, kein neuer beginnt (Strg+Umschalt+X)</translation>
    </message>
    <message>
        <source>Exact SQL of the step</source>
        <translation>Genaues SQL des Schritts</translation>
    </message>
    <message>
        <source>P&amp;lan:</source>
        <translation>P&amp;lan:</translation>
    </message>
    <message>
        <source>Steps of the plan</source>
        <translation>Schritte des Plans</translation>
    </message>
    <message>
        <source>Selected step</source>
        <translation>Gewählter Schritt</translation>
    </message>
    <message>
        <source>Why:</source>
        <translation>Warum:</translation>
    </message>
    <message>
        <source>Predicted effect:</source>
        <translation>Erwartete Wirkung:</translation>
    </message>
    <message>
        <source>Verification:</source>
        <translation>Prüfung:</translation>
    </message>
    <message>
        <source>SQL:</source>
        <translation>SQL:</translation>
    </message>
    <message>
        <source>Layout:</source>
        <translation>Aufteilung:</translation>
    </message>
    <message>
        <source>Progress of the running step</source>
        <translation>Fortschritt des laufenden Schritts</translation>
    </message>
    <message>
        <source>Progress of the whole plan</source>
        <translation>Fortschritt des ganzen Plans</translation>
    </message>
    <message>
        <source>%p %</source>
        <translation>%p %</translation>
    </message>
    <message>
        <source>Step:</source>
        <translation>Schritt:</translation>
    </message>
    <message>
        <source>Overall:</source>
        <translation>Gesamt:</translation>
    </message>
    <message>
        <source>Step %1 of %2: %3</source>
        <translation>Schritt %1 von %2: %3</translation>
    </message>
    <message>
        <source>Execution stopped. The running step was rolled back; the steps before it stay done.</source>
        <translation>Ausführung angehalten. Der laufende Schritt wurde zurückgerollt; die Schritte davor bleiben erledigt.</translation>
    </message>
    <message>
        <source>Execution failed</source>
        <translation>Ausführung fehlgeschlagen</translation>
    </message>
    <message>
        <source>Planning failed</source>
        <translation>Planung fehlgeschlagen</translation>
    </message>
    <message>
        <source>Approval failed</source>
        <translation>Genehmigung fehlgeschlagen</translation>
    </message>
    <message>
        <source>Rejecting failed</source>
        <translation>Ablehnen fehlgeschlagen</translation>
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
        <translation>Kein offener Plan: einen vorschlagen</translation>
    </message>
    <message>
        <source>No plan shown. Propose one, or pick an open plan above.</source>
        <translation>Kein Plan angezeigt. Einen vorschlagen oder oben einen offenen Plan wählen.</translation>
    </message>
    <message>
        <source>Plan %1 for %2, created %3 by %4: %5</source>
        <translation>Plan %1 für %2, erstellt %3 von %4: %5</translation>
    </message>
    <message>
        <source>%1 — approved by %2, %3</source>
        <translation>%1 — genehmigt von %2, %3</translation>
    </message>
    <message>
        <source>rewrites %1 (%2 rows), writers blocked about %3 s; the next incremental backup copies about %4 instead of %5</source>
        <translation>schreibt %1 neu (%2 Zeilen), Schreiber etwa %3 s blockiert; die nächste inkrementelle Sicherung kopiert etwa %4 statt %5</translation>
    </message>
    <message>
        <source>measured: rewrote %1 (%2 rows), writers blocked %3 s</source>
        <translation>gemessen: %1 neu geschrieben (%2 Zeilen), Schreiber %3 s blockiert</translation>
    </message>
    <message>
        <source>not run yet</source>
        <translation>noch nicht ausgeführt</translation>
    </message>
    <message>
        <source>The database said: %1
This step&apos;s transaction was rolled back; its partitions are as they were.</source>
        <translation>Die Datenbank meldete: %1
Die Transaktion dieses Schritts wurde zurückgerollt; seine Partitionen sind unverändert.</translation>
    </message>
    <message>
        <source>• split %1 of %2 into %3</source>
        <translation>• %1 von %2 teilen in %3</translation>
    </message>
    <message>
        <source>• merge %1 of %2 into %3</source>
        <translation>• %1 von %2 zusammenlegen zu %3</translation>
    </message>
    <message>
        <source>Approve plan %1?</source>
        <translation>Plan %1 genehmigen?</translation>
    </message>
    <message>
        <source>Approving plan %1 allows it to change %2:

%3

Nothing runs until you press Execute. The approval is recorded as yours (%4).</source>
        <translation>Mit der Genehmigung darf Plan %1 %2 ändern:

%3

Nichts läuft, bevor Sie „Ausführen“ drücken. Die Genehmigung wird als Ihre vermerkt (%4).</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Genehmigen</translation>
    </message>
    <message>
        <source>Reject plan %1?</source>
        <translation>Plan %1 ablehnen?</translation>
    </message>
    <message>
        <source>Rejecting plan %1 means none of these changes will be made:

%2</source>
        <translation>Wird Plan %1 abgelehnt, wird keine dieser Änderungen vorgenommen:

%2</translation>
    </message>
    <message>
        <source>&amp;Reject</source>
        <translation>Ab&amp;lehnen</translation>
    </message>
    <message>
        <source>rejected in the desktop application</source>
        <translation>in der Desktop-Anwendung abgelehnt</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Starte…</translation>
    </message>
    <message>
        <source>Stopping safely: the running step rolls back, no new step starts…</source>
        <translation>Halte sicher an: der laufende Schritt wird zurückgerollt, kein neuer beginnt…</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::PlanStepModel</name>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>done</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>rolled back</source>
        <translation>zurückgerollt</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>übersprungen</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>Teilen</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Zusammenlegen</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Nach</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Verification</source>
        <translation>Prüfung</translation>
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
        <translation>Kein Schritt beginnt, der nicht vor dieser Frist fertig würde, gerechnet ab dem Start</translation>
    </message>
    <message>
        <source>&amp;Deadline:</source>
        <translation>&amp;Frist:</translation>
    </message>
    <message>
        <source> MB/s</source>
        <translation> MB/s</translation>
    </message>
    <message>
        <source>How fast your backup tool copies, to turn the bytes saved into time</source>
        <translation>Wie schnell Ihr Backup-Werkzeug kopiert, um die gesparten Bytes in Zeit umzurechnen</translation>
    </message>
    <message>
        <source>Backup &amp;speed:</source>
        <translation>Backup-&amp;Geschwindigkeit:</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Partitions</source>
        <translation>Partitionen</translation>
    </message>
    <message>
        <source>Rewrites</source>
        <translation>Schreibt neu</translation>
    </message>
    <message>
        <source>Incremental backup copies</source>
        <translation>Inkrementelles Backup kopiert</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Analyse a&amp;gain</source>
        <translation>E&amp;rneut analysieren</translation>
    </message>
    <message>
        <source>&amp;Approve and execute</source>
        <translation>&amp;Genehmigen und ausführen</translation>
    </message>
    <message>
        <source>&amp;Post-backup rebalance</source>
        <translation>&amp;Neuausgleich nach dem Backup</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Optimize before backup</source>
        <translation>Vor dem Backup optimieren</translation>
    </message>
    <message>
        <source>Post-backup rebalance</source>
        <translation>Neuausgleich nach dem Backup</translation>
    </message>
    <message>
        <source>Reshape the partitions of %1 so the next incremental backup copies little. Nothing changes until you approve.</source>
        <translation>Die Partitionen von %1 so umformen, dass das nächste inkrementelle Backup wenig kopiert. Nichts ändert sich, bevor Sie genehmigen.</translation>
    </message>
    <message>
        <source>Merge back what went cold and split what became hot during the backup cycle of %1. Nothing changes until you approve.</source>
        <translation>Zusammenführen, was im Backup-Zyklus von %1 kalt wurde, und teilen, was heiß wurde. Nichts ändert sich, bevor Sie genehmigen.</translation>
    </message>
    <message>
        <source>Analysing: scanning the partitions and planning…</source>
        <translation>Analyse: Partitionen werden erfasst und geplant …</translation>
    </message>
    <message>
        <source>Executing plan %1…</source>
        <translation>Plan %1 wird ausgeführt …</translation>
    </message>
    <message>
        <source>Stopping safely: no new step starts; the running one finishes or rolls back.</source>
        <translation>Sicheres Anhalten: Kein neuer Schritt beginnt; der laufende wird beendet oder zurückgerollt.</translation>
    </message>
    <message>
        <source>running %1 %</source>
        <translation>läuft, %1 %</translation>
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
        <translation>Nichts umzuformen: Die Partitionen passen bereits zu einem inkrementellen Backup.</translation>
    </message>
    <message>
        <source>Predicted saving per incremental backup: %1 (%2 → %3), about %4 s at %5 MB/s. The plan rewrites %6 once, in about %7 s.</source>
        <translation>Vorhergesagte Ersparnis je inkrementellem Backup: %1 (%2 → %3), etwa %4 s bei %5 MB/s. Der Plan schreibt einmalig %6 neu, in etwa %7 s.</translation>
    </message>
    <message>
        <source>Not ready for backup: the run could not start</source>
        <translation>Nicht bereit für das Backup: Der Lauf konnte nicht starten</translation>
    </message>
    <message>
        <source>Ready for backup: nothing to do</source>
        <translation>Bereit für das Backup: nichts zu tun</translation>
    </message>
    <message>
        <source>Plan %1: review the steps and approve to execute</source>
        <translation>Plan %1: Schritte prüfen und zum Ausführen genehmigen</translation>
    </message>
    <message numerus="yes">
        <source>Ready for backup: %n step(s) done and verified</source>
        <translation>
            <numerusform>Bereit für das Backup: %n Schritt erledigt und geprüft</numerusform>
            <numerusform>Bereit für das Backup: %n Schritte erledigt und geprüft</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled: %n step(s) done and verified, nothing half-applied</source>
        <translation>
            <numerusform>Abgebrochen: %n Schritt erledigt und geprüft, nichts halb angewendet</numerusform>
            <numerusform>Abgebrochen: %n Schritte erledigt und geprüft, nichts halb angewendet</numerusform>
        </translation>
    </message>
    <message>
        <source>Not ready: the deadline is too short for any step; nothing was changed</source>
        <translation>Nicht bereit: Die Frist ist für jeden Schritt zu kurz; nichts wurde geändert</translation>
    </message>
    <message>
        <source>Not ready for backup: %1</source>
        <translation>Nicht bereit für das Backup: %1</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::SecretStore</name>
    <message>
        <source>%1 cannot be written: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>the system keychain</source>
        <translation>dem Schlüsselbund des Systems</translation>
    </message>
</context>
<context>
    <name>tidemark::ui::SegmentsPage</name>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>sealed</source>
        <translation>versiegelt</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>archiviert</translation>
    </message>
    <message>
        <source>&amp;Survey now</source>
        <translation>Jetzt &amp;erfassen</translation>
    </message>
    <message>
        <source>&amp;Archive…</source>
        <translation>&amp;Archivieren…</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>Segment</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Dead space</source>
        <translation>Toter Speicher</translation>
    </message>
    <message>
        <source>Growth/h</source>
        <translation>Wachstum/h</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Size now</source>
        <translation>Größe jetzt</translation>
    </message>
    <message>
        <source>Predicted</source>
        <translation>Vorhergesagt</translation>
    </message>
    <message>
        <source>95 % band</source>
        <translation>95-%-Band</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>Schwelle</translation>
    </message>
    <message>
        <source>Time to archive</source>
        <translation>Archivierungszeitpunkt</translation>
    </message>
    <message>
        <source>Crossing</source>
        <translation>Überschreitung</translation>
    </message>
    <message>
        <source>Segments to archive</source>
        <translation>Zu archivierende Segmente</translation>
    </message>
    <message>
        <source>Choose a connection to see its log segments.</source>
        <translation>Eine Verbindung wählen, um ihre Log-Segmente zu sehen.</translation>
    </message>
    <message>
        <source>Survey running</source>
        <translation>Erfassung läuft</translation>
    </message>
    <message>
        <source>Sample the connection and compute every segment&apos;s figures again</source>
        <translation>Die Verbindung abtasten und die Kennzahlen jedes Segments neu berechnen</translation>
    </message>
    <message>
        <source>Plan archiving the segments the forecast says must go, into a folder you choose; the plan opens on Plan review for approval</source>
        <translation>Die Archivierung der Segmente planen, die laut Prognose weichen müssen, in einen Ordner Ihrer Wahl; der Plan öffnet sich zur Genehmigung in der Planprüfung</translation>
    </message>
    <message>
        <source>Compaction queue</source>
        <translation>Verdichtungswarteschlange</translation>
    </message>
    <message>
        <source>Archive schedule</source>
        <translation>Archivierungsplan</translation>
    </message>
    <message>
        <source>Predicted size of the selected table</source>
        <translation>Vorhergesagte Größe der gewählten Tabelle</translation>
    </message>
    <message>
        <source>Nothing to archive: no sealed segment is due.</source>
        <translation>Nichts zu archivieren: Kein versiegeltes Segment ist fällig.</translation>
    </message>
    <message>
        <source>The segments could not be surveyed or planned</source>
        <translation>Die Segmente konnten nicht erfasst oder geplant werden</translation>
    </message>
    <message>
        <source>Surveying the segments of %1…</source>
        <translation>Die Segmente von %1 werden erfasst …</translation>
    </message>
    <message>
        <source>Folder for the archives</source>
        <translation>Ordner für die Archive</translation>
    </message>
    <message>
        <source>Planning the archive into %1…</source>
        <translation>Die Archivierung nach %1 wird geplant …</translation>
    </message>
    <message>
        <source>Not surveyed yet.</source>
        <translation>Noch nicht erfasst.</translation>
    </message>
    <message numerus="yes">
        <source>Surveyed %1: %n table(s), </source>
        <translation>
            <numerusform>Erfasst %1: %n Tabelle, </numerusform>
            <numerusform>Erfasst %1: %n Tabellen, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n segment(s) to compact, </source>
        <translation>
            <numerusform>%n Segment zu verdichten, </numerusform>
            <numerusform>%n Segmente zu verdichten, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n to archive.</source>
        <translation>
            <numerusform>%n zu archivieren.</numerusform>
            <numerusform>%n zu archivieren.</numerusform>
        </translation>
    </message>
    <message>
        <source>The database is at peak load: work waits.</source>
        <translation>Die Datenbank ist unter Spitzenlast: Die Arbeit wartet.</translation>
    </message>
    <message>
        <source>%1 (%2 %)</source>
        <translation>%1 (%2 %)</translation>
    </message>
    <message>
        <source>This connection has no range-partitioned table whose partitions could be log segments.</source>
        <translation>Diese Verbindung hat keine bereichspartitionierte Tabelle, deren Partitionen Log-Segmente sein könnten.</translation>
    </message>
    <message>
        <source>No sealed segment is due for compaction: none has reached its table&apos;s compact threshold.</source>
        <translation>Kein versiegeltes Segment ist zur Verdichtung fällig: Keines hat die Verdichtungsschwelle seiner Tabelle erreicht.</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>not before the time to archive</source>
        <translation>nicht vor dem Archivierungszeitpunkt</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>No log table to schedule.</source>
        <translation>Keine Log-Tabelle zu planen.</translation>
    </message>
    <message>
        <source>No sealed segment is due for archival: every table stays under its threshold until its time to archive (or has none set).</source>
        <translation>Kein versiegeltes Segment ist zur Archivierung fällig: Jede Tabelle bleibt bis zu ihrem Archivierungszeitpunkt unter ihrer Schwelle (oder hat keine gesetzt).</translation>
    </message>
    <message>
        <source>No table to chart.</source>
        <translation>Keine Tabelle für das Diagramm.</translation>
    </message>
    <message>
        <source>Predicted at the time to archive</source>
        <translation>Vorhersage zum Archivierungszeitpunkt</translation>
    </message>
    <message>
        <source>Archive threshold</source>
        <translation>Archivierungsschwelle</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>MiB</source>
        <translation>MiB</translation>
    </message>
    <message>
        <source>%1: size and forecast</source>
        <translation>%1: Größe und Prognose</translation>
    </message>
    <message>
        <source>Predicted at %1: %2 (95 %: %3 – %4), model %5.</source>
        <translation>Vorhergesagt für %1: %2 (95 %: %3 – %4), Modell %5.</translation>
    </message>
    <message>
        <source>Passes its threshold of %1 at %2.</source>
        <translation>Überschreitet ihre Schwelle von %1 am %2.</translation>
    </message>
    <message>
        <source>Stays under its threshold of %1.</source>
        <translation>Bleibt unter ihrer Schwelle von %1.</translation>
    </message>
    <message>
        <source>No archive threshold is set for this table.</source>
        <translation>Für diese Tabelle ist keine Archivierungsschwelle gesetzt.</translation>
    </message>
    <message>
        <source>Plan &amp;compaction</source>
        <translation>&amp;Verdichtung planen</translation>
    </message>
    <message>
        <source>Plan rewriting the sealed segments of the compaction queue densely and merging small sealed segments; the plan opens on Plan review for approval</source>
        <translation>Plant, die versiegelten Segmente der Verdichtungswarteschlange dicht neu zu schreiben und kleine versiegelte Segmente zusammenzuführen; der Plan öffnet sich zur Freigabe in der Planprüfung</translation>
    </message>
    <message>
        <source>Nothing to compact: %1</source>
        <translation>Nichts zu verdichten: %1</translation>
    </message>
    <message>
        <source>Planning the compaction…</source>
        <translation>Verdichtung wird geplant…</translation>
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
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation>&amp;Zurücksetzen</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Save these settings for the connection (Ctrl+S)</source>
        <translation>Diese Einstellungen für die Verbindung speichern (Strg+S)</translation>
    </message>
    <message>
        <source>Split above score:</source>
        <translation>Teilen über Wert:</translation>
    </message>
    <message>
        <source>A partition whose volatility score stays above this is split so its hot key range becomes a small partition of its own.</source>
        <translation>Eine Partition, deren Volatilitätswert darüber bleibt, wird geteilt, sodass ihr heißer Schlüsselbereich eine eigene kleine Partition wird.</translation>
    </message>
    <message>
        <source>Merge below score:</source>
        <translation>Zusammenlegen unter Wert:</translation>
    </message>
    <message>
        <source>Neighbouring partitions whose scores stay below this are merged into larger, static ones. The gap between the two thresholds keeps a partition from flapping between split and merge.</source>
        <translation>Benachbarte Partitionen, deren Werte darunter bleiben, werden zu größeren, ruhigen zusammengelegt. Der Abstand zwischen beiden Schwellen verhindert, dass eine Partition zwischen Teilen und Zusammenlegen pendelt.</translation>
    </message>
    <message>
        <source>Target size, smallest:</source>
        <translation>Zielgröße, kleinste:</translation>
    </message>
    <message>
        <source>Merged partitions aim for at least this size.</source>
        <translation>Zusammengelegte Partitionen sollen mindestens so groß werden.</translation>
    </message>
    <message>
        <source>Target size, largest:</source>
        <translation>Zielgröße, größte:</translation>
    </message>
    <message>
        <source>No merge creates a partition larger than this.</source>
        <translation>Keine Zusammenlegung erzeugt eine größere Partition.</translation>
    </message>
    <message>
        <source>Split only from:</source>
        <translation>Teilen erst ab:</translation>
    </message>
    <message>
        <source>Partitions smaller than this are never split: the rewrite would cost more than the backup saves.</source>
        <translation>Kleinere Partitionen werden nie geteilt: das Umschreiben kostete mehr, als die Sicherung spart.</translation>
    </message>
    <message>
        <source>Sampling interval:</source>
        <translation>Abtastintervall:</translation>
    </message>
    <message>
        <source>How often activity counters are read. The heatmap rescans at this interval.</source>
        <translation>Wie oft die Aktivitätszähler gelesen werden. Die Heatmap tastet in diesem Abstand neu ab.</translation>
    </message>
    <message>
        <source>Score half-life:</source>
        <translation>Halbwertszeit des Werts:</translation>
    </message>
    <message>
        <source>How quickly old activity fades from the score: after one half-life a burst of writes counts half.</source>
        <translation>Wie schnell alte Aktivität aus dem Wert verschwindet: nach einer Halbwertszeit zählt ein Schub von Schreibvorgängen halb.</translation>
    </message>
    <message>
        <source>Cool-down:</source>
        <translation>Ruhezeit:</translation>
    </message>
    <message>
        <source>A partition Tidemark created is left alone this long before it may be split or merged again.</source>
        <translation>Eine von Tidemark angelegte Partition bleibt so lange unangetastet, bevor sie wieder geteilt oder zusammengelegt werden darf.</translation>
    </message>
    <message>
        <source>Backup interval:</source>
        <translation>Sicherungsintervall:</translation>
    </message>
    <message>
        <source>Time between backups; a partition written within it is copied by the next incremental backup.</source>
        <translation>Zeit zwischen Sicherungen; eine darin beschriebene Partition kopiert die nächste inkrementelle Sicherung.</translation>
    </message>
    <message>
        <source>Weight of reads:</source>
        <translation>Gewicht der Lesevorgänge:</translation>
    </message>
    <message>
        <source>Share of the score that reads may carry (0 to 1). Backups copy what was written, so reads weigh little by default.</source>
        <translation>Anteil des Werts, den Lesevorgänge tragen dürfen (0 bis 1). Sicherungen kopieren, was geschrieben wurde; Lesevorgänge wiegen daher standardmäßig wenig.</translation>
    </message>
    <message>
        <source>Saved. The next scan and plan use these settings.</source>
        <translation>Gespeichert. Die nächste Abtastung und Planung verwenden diese Einstellungen.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>The merge threshold must be below the split threshold; the gap between them keeps partitions from flapping.</source>
        <translation>Die Schwelle zum Zusammenlegen muss unter der zum Teilen liegen; der Abstand verhindert, dass Partitionen pendeln.</translation>
    </message>
    <message>
        <source>The smallest target size must not exceed the largest.</source>
        <translation>Die kleinste Zielgröße darf die größte nicht überschreiten.</translation>
    </message>
</context>
<context>
    <name>tidemark::widgets::HeatmapLegend</name>
    <message>
        <source>Volatility colour legend</source>
        <translation>Farblegende der Volatilität</translation>
    </message>
    <message>
        <source>cold</source>
        <translation>kalt</translation>
    </message>
    <message>
        <source>hot</source>
        <translation>heiß</translation>
    </message>
</context>
<context>
    <name>tidemark::widgets::PartitionLayoutStrip</name>
    <message>
        <source>Partition layout before and after the plan</source>
        <translation>Partitionsaufteilung vor und nach dem Plan</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <source>%1 %2
Score %3%4</source>
        <translation>%1 %2
Wert %3%4</translation>
    </message>
    <message>
        <source> (changed by the plan)</source>
        <translation> (vom Plan geändert)</translation>
    </message>
</context>
<context>
    <name>tidemark::widgets::VolatilityHeatmap</name>
    <message>
        <source>Volatility heatmap</source>
        <translation>Volatilitäts-Heatmap</translation>
    </message>
    <message>
        <source>Partitions in key order by time; colour is the volatility score</source>
        <translation>Partitionen in Schlüsselreihenfolge über der Zeit; die Farbe ist der Volatilitätswert</translation>
    </message>
    <message>
        <source>Partition %1
Bounds %2
Rows %3, size %4</source>
        <translation>Partition %1
Grenzen %2
Zeilen %3, Größe %4</translation>
    </message>
    <message>
        <source>No sample at %1</source>
        <translation>Keine Abtastung um %1</translation>
    </message>
    <message>
        <source>Score %1 at %2
Writes %3/s, reads %4/s</source>
        <translation>Wert %1 um %2
Schreibvorgänge %3/s, Lesevorgänge %4/s</translation>
    </message>
    <message>
        <source>No samples between %1 and %2: the columns on either side are not adjacent in time</source>
        <translation>Keine Abtastungen zwischen %1 und %2: die Spalten zu beiden Seiten liegen zeitlich nicht nebeneinander</translation>
    </message>
</context>
</TS>
