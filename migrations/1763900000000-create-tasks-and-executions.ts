import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTasksAndExecutions1763900000000 implements MigrationInterface {
  name = 'CreateTasksAndExecutions1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name varchar(255) NOT NULL,
        description varchar(1000) NOT NULL DEFAULT '',
        script_content text NOT NULL,
        script_type varchar(32) NOT NULL,
        priority smallint NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 10),
        timeout_seconds integer NOT NULL DEFAULT 30 CHECK (timeout_seconds BETWEEN 1 AND 3600),
        memory_mb integer NOT NULL DEFAULT 256 CHECK (memory_mb BETWEEN 16 AND 4096),
        cpus double precision NOT NULL DEFAULT 1 CHECK (cpus >= 0.1 AND cpus <= 4),
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        status varchar(16) NOT NULL DEFAULT 'pending',
        last_execution_id uuid,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    for (const column of ['created_at', 'updated_at', 'priority', 'name']) {
      await queryRunner.query(
        `CREATE INDEX tasks_user_${column}_idx ON tasks (user_id, ${column}, id)`,
      );
    }
    await queryRunner.query(`
      CREATE TABLE executions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        status varchar(16) NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'running', 'completed', 'failed', 'timeout', 'cancelled')),
        script_content text NOT NULL,
        script_type varchar(32) NOT NULL,
        priority smallint NOT NULL,
        timeout_seconds integer NOT NULL,
        memory_mb integer NOT NULL,
        cpus double precision NOT NULL,
        stdin text,
        env jsonb NOT NULL DEFAULT '{}'::jsonb,
        idempotency_key varchar(255),
        exit_code integer,
        stdout text NOT NULL DEFAULT '',
        stderr text NOT NULL DEFAULT '',
        stdout_truncated boolean NOT NULL DEFAULT false,
        stderr_truncated boolean NOT NULL DEFAULT false,
        error text,
        attempt integer NOT NULL DEFAULT 0,
        worker_id varchar(255),
        queued_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz,
        memory_peak_bytes bigint,
        cpu_ms bigint,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX executions_task_created_idx ON executions (task_id, created_at, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX executions_active_idx ON executions (user_id, status) WHERE status IN ('pending', 'running')`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX executions_idempotency_key ON executions (user_id, task_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE tasks ADD CONSTRAINT tasks_last_execution_fk FOREIGN KEY (last_execution_id) REFERENCES executions (id) ON DELETE SET NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tasks DROP CONSTRAINT tasks_last_execution_fk`);
    await queryRunner.query(`DROP TABLE executions`);
    await queryRunner.query(`DROP TABLE tasks`);
  }
}
