-- Every function of the extension, and its schema, has a comment: \df+ and
-- \dn+ show what each is for.
\c - regress_pgsr_admin
SELECT count(*) > 0 AS has_functions,
       count(*) FILTER (WHERE obj_description(d.objid, 'pg_proc') IS NULL) AS without_comment,
       string_agg(d.objid::regprocedure::text, ', ') FILTER (WHERE obj_description(d.objid, 'pg_proc') IS NULL)
           AS which
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pg_sync_roles')
   AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e';
SELECT obj_description('pg_sync_roles'::regnamespace, 'pg_namespace') IS NOT NULL AS schema_has_comment;
-- The functions, each with its comment.
SELECT d.objid::regprocedure AS function, obj_description(d.objid, 'pg_proc') IS NOT NULL AS has_comment
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pg_sync_roles')
   AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
 ORDER BY d.objid::regprocedure::text;
