-- pgbench script of the audit benchmark's baseline: one durable INSERT per transaction of a row of the same shape
-- and size as an appliance audit entry (same columns, same literal values as AuditBench), into audit_bench, a copy of
-- audit_log's columns and indexes (CREATE TABLE ... (LIKE audit_log INCLUDING ALL)). No hash chain, no lock on a
-- chain head, no batching by the client: what PostgreSQL itself does with N independent committing clients.
-- U&'...\003A...' is a colon, written so because pgbench takes a colon followed by a name for one of its variables.
INSERT INTO audit_bench (seq, occurred_at, actor, workspace_id, action, target, outcome, request_id,
                         source_address, details, prev_hash, entry_hash)
SELECT s, now(), U&'workspace-token\003Atok_0123456789abcdef01234567', 'ws_0123456789abcdef0123456789abcdef',
       'bench.append', U&'bench\003Atarget', 'success', 'req_0123456789abcdef01234567', '127.0.0.1', U&'{"bench"\003A"true"}',
       sha256(int8send(s - 1)), sha256(int8send(s))
FROM nextval('audit_bench_seq') AS s;
