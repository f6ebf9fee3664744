import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The compile stage of compiled languages, recorded apart from the run. */
export class AddCompileStage1764640000000 implements MigrationInterface {
  name = 'AddCompileStage1764640000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE executions
        ADD COLUMN compile_status varchar(16),
        ADD COLUMN compile_output text,
        ADD COLUMN compile_output_truncated boolean,
        ADD COLUMN compile_exit_code integer,
        ADD COLUMN compile_duration_ms integer
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE executions
        DROP COLUMN compile_status,
        DROP COLUMN compile_output,
        DROP COLUMN compile_output_truncated,
        DROP COLUMN compile_exit_code,
        DROP COLUMN compile_duration_ms
    `);
  }
}
