package io.eventlake.testing;

/**
 * A real database fault for tests: while it is on, PostgreSQL refuses every write of a forward checkpoint (a
 * trigger raises an error), so the forward step of ingest fails after its events reached the broker, the window
 * in which a retry or a restart could send them again. Counts the refused writes (a sequence: it survives the
 * rollback of the refused statement).
 */
public final class CheckpointFault implements AutoCloseable {

    private CheckpointFault() {
    }

    public static CheckpointFault refuseCheckpointWrites() {
        LakeDatabase.execute("create sequence if not exists test_refused_checkpoints");
        LakeDatabase.execute("""
                create or replace function test_refuse_checkpoint() returns trigger language plpgsql as $$
                begin
                    perform nextval('test_refused_checkpoints');
                    raise exception 'test fault: forward checkpoint refused';
                end $$""");
        LakeDatabase.execute("drop trigger if exists test_refuse_checkpoint on forward_checkpoint");
        LakeDatabase.execute("create trigger test_refuse_checkpoint before insert or update on forward_checkpoint "
                + "for each row execute function test_refuse_checkpoint()");
        return new CheckpointFault();
    }

    /** Checkpoint writes refused so far, by every fault of this database. */
    public long refusedWrites() {
        return LakeDatabase.count("select case when is_called then last_value else 0 end from test_refused_checkpoints");
    }

    @Override
    public void close() {
        LakeDatabase.execute("drop trigger if exists test_refuse_checkpoint on forward_checkpoint");
    }
}
