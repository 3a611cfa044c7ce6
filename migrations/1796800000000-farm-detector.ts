import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A farm that teaches its own detector (libs/detection): people's labels on frames, per-organization heads, each
 * organization's detector state, and the cached per-tile embeddings of labelled frames (keyed by frame and model).
 */
export class FarmDetector1796800000000 implements MigrationInterface {
  name = 'FarmDetector1796800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "detection_frame_labels" ("frame_id" uuid NOT NULL, "org_id" uuid NOT NULL, "printer_id" uuid NOT NULL, "label" character varying(8) NOT NULL, "labelled_by" character varying(200) NOT NULL, "labelled_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_2dc146b9cc185a578ebee3ecd41" PRIMARY KEY ("frame_id"))`);
    await queryRunner.query(`CREATE INDEX "detection_frame_labels_org_labelled" ON "detection_frame_labels"  ("org_id", "labelled_at") `);
    await queryRunner.query(`CREATE TABLE "detector_heads" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "version" integer NOT NULL, "state" character varying(16) NOT NULL, "model_sha" character varying(64) NOT NULL, "head" jsonb NOT NULL, "threshold" real NOT NULL, "metrics" jsonb NOT NULL, "counts" jsonb NOT NULL, "better" boolean NOT NULL, "previous_head_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "activated_at" TIMESTAMP WITH TIME ZONE, "activated_by" character varying(200), CONSTRAINT "PK_117bc85bd2ea8591c2c4ef493b6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "detector_heads_org_version" ON "detector_heads"  ("org_id", "version") `);
    await queryRunner.query(`CREATE TABLE "detector_states" ("org_id" uuid NOT NULL, "active_head_id" uuid, "training_state" character varying(16) NOT NULL DEFAULT 'idle', "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "error" character varying(500), "progress" real, CONSTRAINT "PK_29e777961290e332620d1d6a9d3" PRIMARY KEY ("org_id"))`);
    await queryRunner.query(`CREATE TABLE "detection_frame_embeddings" ("frame_id" uuid NOT NULL, "model_sha" character varying(64) NOT NULL, "org_id" uuid NOT NULL, "tiles" smallint NOT NULL, "size" integer NOT NULL, "data" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_838d4f52b7efb9debde8fa53db1" PRIMARY KEY ("frame_id", "model_sha"))`);
    await queryRunner.query(`CREATE INDEX "detection_frame_embeddings_org" ON "detection_frame_embeddings"  ("org_id") `);
    await queryRunner.query(`ALTER TABLE "detection_frame_labels" ADD CONSTRAINT "FK_2dc146b9cc185a578ebee3ecd41" FOREIGN KEY ("frame_id") REFERENCES "detection_frames"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "detection_frame_labels" ADD CONSTRAINT "FK_b6a2c1fcb78933511bce51379ae" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "detection_frame_labels" ADD CONSTRAINT "FK_70c7ce04c05a0e42cdaa4a85f0d" FOREIGN KEY ("printer_id") REFERENCES "printers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "detector_heads" ADD CONSTRAINT "FK_17d4a46a0ac8c18e8fffcf260d6" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "detector_states" ADD CONSTRAINT "FK_29e777961290e332620d1d6a9d3" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "detection_frame_embeddings" ADD CONSTRAINT "FK_ec79c45e88167cb31bb0c35cf0a" FOREIGN KEY ("frame_id") REFERENCES "detection_frames"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "detection_frame_embeddings" ADD CONSTRAINT "FK_5851821a8f3226a9d9edda35ff8" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "detection_frame_embeddings" DROP CONSTRAINT "FK_5851821a8f3226a9d9edda35ff8"`);
    await queryRunner.query(`ALTER TABLE "detection_frame_embeddings" DROP CONSTRAINT "FK_ec79c45e88167cb31bb0c35cf0a"`);
    await queryRunner.query(`ALTER TABLE "detector_states" DROP CONSTRAINT "FK_29e777961290e332620d1d6a9d3"`);
    await queryRunner.query(`ALTER TABLE "detector_heads" DROP CONSTRAINT "FK_17d4a46a0ac8c18e8fffcf260d6"`);
    await queryRunner.query(`ALTER TABLE "detection_frame_labels" DROP CONSTRAINT "FK_70c7ce04c05a0e42cdaa4a85f0d"`);
    await queryRunner.query(`ALTER TABLE "detection_frame_labels" DROP CONSTRAINT "FK_b6a2c1fcb78933511bce51379ae"`);
    await queryRunner.query(`ALTER TABLE "detection_frame_labels" DROP CONSTRAINT "FK_2dc146b9cc185a578ebee3ecd41"`);
    await queryRunner.query(`DROP INDEX "public"."detection_frame_embeddings_org"`);
    await queryRunner.query(`DROP TABLE "detection_frame_embeddings"`);
    await queryRunner.query(`DROP TABLE "detector_states"`);
    await queryRunner.query(`DROP INDEX "public"."detector_heads_org_version"`);
    await queryRunner.query(`DROP TABLE "detector_heads"`);
    await queryRunner.query(`DROP INDEX "public"."detection_frame_labels_org_labelled"`);
    await queryRunner.query(`DROP TABLE "detection_frame_labels"`);
  }
}
