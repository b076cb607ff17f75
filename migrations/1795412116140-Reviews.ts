import { MigrationInterface, QueryRunner } from 'typeorm';

export class Reviews1795412116140 implements MigrationInterface {
  name = 'Reviews1795412116140';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "venue_event_reviews" (
                "id" SERIAL NOT NULL,
                "author_id" integer NOT NULL,
                "target_type" character varying(10) NOT NULL,
                "target_id" integer NOT NULL,
                "score" smallint NOT NULL,
                "comment" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "venue_event_reviews_target_type_known" CHECK (target_type IN ('VENUE', 'EVENT')),
                CONSTRAINT "venue_event_reviews_comment_length" CHECK (char_length(comment) <= 2000),
                CONSTRAINT "venue_event_reviews_score_range" CHECK (
                    score BETWEEN 1 AND 5
                ),
                CONSTRAINT "PK_f97307c5657aa0ac5dd1cd4ec94" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "venue_event_reviews_target_id_idx" ON "venue_event_reviews" ("target_type", "target_id", "id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "venue_event_reviews_one_per_author" ON "venue_event_reviews" ("author_id", "target_type", "target_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "venue_event_ratings" (
                "target_type" character varying(10) NOT NULL,
                "target_id" integer NOT NULL,
                "review_count" integer NOT NULL DEFAULT '0',
                "score_sum" bigint NOT NULL DEFAULT '0',
                CONSTRAINT "venue_event_ratings_count_positive" CHECK (review_count >= 0),
                CONSTRAINT "PK_49de756931102007c5098d2cec0" PRIMARY KEY ("target_type", "target_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "user_ratings" (
                "user_id" integer NOT NULL,
                "review_count" integer NOT NULL DEFAULT '0',
                "score_sum" bigint NOT NULL DEFAULT '0',
                "s1" integer NOT NULL DEFAULT '0',
                "s2" integer NOT NULL DEFAULT '0',
                "s3" integer NOT NULL DEFAULT '0',
                "s4" integer NOT NULL DEFAULT '0',
                "s5" integer NOT NULL DEFAULT '0',
                CONSTRAINT "user_ratings_sum_consistent" CHECK (
                    score_sum = s1 + 2 * s2 + 3 * s3 + 4 * s4 + 5 * s5
                ),
                CONSTRAINT "user_ratings_counts_consistent" CHECK (review_count = s1 + s2 + s3 + s4 + s5),
                CONSTRAINT "user_ratings_counts_positive" CHECK (LEAST(s1, s2, s3, s4, s5) >= 0),
                CONSTRAINT "PK_a6702517a0507bdd68aa6707dde" PRIMARY KEY ("user_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "reviews" (
                "id" SERIAL NOT NULL,
                "order_id" integer NOT NULL,
                "author_id" integer NOT NULL,
                "reviewed_user_id" integer NOT NULL,
                "score" smallint NOT NULL,
                "comment" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "reviews_comment_length" CHECK (char_length(comment) <= 2000),
                CONSTRAINT "reviews_score_range" CHECK (
                    score BETWEEN 1 AND 5
                ),
                CONSTRAINT "PK_231ae565c273ee700b283f15c1d" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "reviews_order_id_key" ON "reviews" ("order_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "reviews_author_id_idx" ON "reviews" ("author_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "reviews_reviewed_user_id_id_idx" ON "reviews" ("reviewed_user_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "venue_event_reviews"
            ADD CONSTRAINT "venue_event_reviews_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "user_ratings"
            ADD CONSTRAINT "user_ratings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "reviews"
            ADD CONSTRAINT "reviews_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "reviews"
            ADD CONSTRAINT "reviews_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "reviews"
            ADD CONSTRAINT "reviews_reviewed_user_id_fkey" FOREIGN KEY ("reviewed_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);

    // Reputation aggregates, kept by statement-level triggers in the same transaction as every
    // review insert, delete or change, so reading an average is one row whatever the number of
    // reviews. Statement level (transition tables) makes a bulk insert one aggregate update per
    // creator instead of one per row.
    // Additions upsert; removals only ever update an existing row (an INSERT of a negative
    // proposal would trip the non-negative checks before ON CONFLICT could merge it).
    await queryRunner.query(`
      CREATE FUNCTION user_ratings_apply(p_users integer[], p_scores integer[], p_delta integer)
      RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        WITH c AS (
          SELECT u, p_delta * count(*) AS n, p_delta * sum(s) AS total,
                 p_delta * count(*) FILTER (WHERE s = 1) AS n1,
                 p_delta * count(*) FILTER (WHERE s = 2) AS n2,
                 p_delta * count(*) FILTER (WHERE s = 3) AS n3,
                 p_delta * count(*) FILTER (WHERE s = 4) AS n4,
                 p_delta * count(*) FILTER (WHERE s = 5) AS n5
          FROM unnest(p_users, p_scores) AS x(u, s) GROUP BY u
        ), changed AS (
          UPDATE user_ratings r SET review_count = r.review_count + c.n,
                 score_sum = r.score_sum + c.total, s1 = r.s1 + c.n1, s2 = r.s2 + c.n2,
                 s3 = r.s3 + c.n3, s4 = r.s4 + c.n4, s5 = r.s5 + c.n5
          FROM c WHERE r.user_id = c.u
          RETURNING r.user_id
        )
        INSERT INTO user_ratings (user_id, review_count, score_sum, s1, s2, s3, s4, s5)
        SELECT u, n, total, n1, n2, n3, n4, n5 FROM c
        WHERE p_delta > 0 AND u NOT IN (SELECT user_id FROM changed)
        ON CONFLICT (user_id) DO UPDATE SET
          review_count = user_ratings.review_count + EXCLUDED.review_count,
          score_sum = user_ratings.score_sum + EXCLUDED.score_sum,
          s1 = user_ratings.s1 + EXCLUDED.s1, s2 = user_ratings.s2 + EXCLUDED.s2,
          s3 = user_ratings.s3 + EXCLUDED.s3, s4 = user_ratings.s4 + EXCLUDED.s4,
          s5 = user_ratings.s5 + EXCLUDED.s5;
      END
      $$
    `);
    await queryRunner.query(`
      CREATE FUNCTION venue_event_ratings_apply(p_types text[], p_ids integer[], p_scores integer[],
                                                p_delta integer)
      RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        WITH c AS (
          SELECT t, i, p_delta * count(*) AS n, p_delta * sum(s) AS total
          FROM unnest(p_types, p_ids, p_scores) AS x(t, i, s) GROUP BY t, i
        ), changed AS (
          UPDATE venue_event_ratings r
          SET review_count = r.review_count + c.n, score_sum = r.score_sum + c.total
          FROM c WHERE r.target_type = c.t AND r.target_id = c.i
          RETURNING r.target_type, r.target_id
        )
        INSERT INTO venue_event_ratings (target_type, target_id, review_count, score_sum)
        SELECT t, i, n, total FROM c
        WHERE p_delta > 0 AND (t, i) NOT IN (SELECT target_type, target_id FROM changed)
        ON CONFLICT (target_type, target_id) DO UPDATE SET
          review_count = venue_event_ratings.review_count + EXCLUDED.review_count,
          score_sum = venue_event_ratings.score_sum + EXCLUDED.score_sum;
      END
      $$
    `);
    for (const [table, apply] of [
      ['reviews', 'user_ratings_apply(array_agg(reviewed_user_id), array_agg(score::int)'],
      [
        'venue_event_reviews',
        'venue_event_ratings_apply(array_agg(target_type::text), array_agg(target_id), array_agg(score::int)',
      ],
    ]) {
      await queryRunner.query(`
        CREATE FUNCTION ${table}_ratings_after_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('DELETE', 'UPDATE') THEN
            PERFORM ${apply}, -1) FROM old_rows;
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM ${apply}, 1) FROM new_rows;
          END IF;
          RETURN NULL;
        END
        $$
      `);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_ratings_insert AFTER INSERT ON ${table}
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION ${table}_ratings_after_change()
      `);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_ratings_delete AFTER DELETE ON ${table}
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION ${table}_ratings_after_change()
      `);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_ratings_update AFTER UPDATE ON ${table}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION ${table}_ratings_after_change()
      `);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['reviews', 'venue_event_reviews']) {
      for (const op of ['insert', 'delete', 'update']) {
        await queryRunner.query(`DROP TRIGGER ${table}_ratings_${op} ON ${table}`);
      }
      await queryRunner.query(`DROP FUNCTION ${table}_ratings_after_change()`);
    }
    await queryRunner.query(
      `DROP FUNCTION venue_event_ratings_apply(text[], integer[], integer[], integer)`,
    );
    await queryRunner.query(`DROP FUNCTION user_ratings_apply(integer[], integer[], integer)`);
    await queryRunner.query(`
            ALTER TABLE "reviews" DROP CONSTRAINT "reviews_reviewed_user_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "reviews" DROP CONSTRAINT "reviews_author_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "reviews" DROP CONSTRAINT "reviews_order_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "user_ratings" DROP CONSTRAINT "user_ratings_user_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "venue_event_reviews" DROP CONSTRAINT "venue_event_reviews_author_id_fkey"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."reviews_reviewed_user_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."reviews_author_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."reviews_order_id_key"
        `);
    await queryRunner.query(`
            DROP TABLE "reviews"
        `);
    await queryRunner.query(`
            DROP TABLE "user_ratings"
        `);
    await queryRunner.query(`
            DROP TABLE "venue_event_ratings"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."venue_event_reviews_one_per_author"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."venue_event_reviews_target_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "venue_event_reviews"
        `);
  }
}
