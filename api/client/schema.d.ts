/**
 * Generated from /api/openapi.json by `npm run generate:client` (openapi-typescript); do not edit.
 * A test (tests/integration/openapi.test.ts) fails when this file and the served document differ.
 */

export interface paths {
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description The process answers: for a liveness probe (restart it when this fails). Checks no dependency; readiness is GET /api/ready. No authentication.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description Whether this replica can serve: PostgreSQL, Redis, the object store and free staging space, each checked with a 2000 ms timeout. 200 when all pass, 503 naming the failed check. For load balancers and orchestrators. No authentication.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in with a local account
         * @description Checks the user name and password and sets the session cookie (HttpOnly, SameSite=Strict) the reviewer page uses. Answers who the caller is and what they may do. Repeated failures lock the account; at most 10 attempts a minute per client. Systems use a bearer token instead (POST /api/tokens).
         */
        post: operations["logIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log out
         * @description Ends the session of the cookie and clears it.
         */
        post: operations["logOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who am I
         * @description The caller (from the session cookie or the bearer token): role, unit, the units they oversee, and the actions the permission table allows them.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evidence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search evidence
         * @description Recordings the caller may see, newest first, filtered by officer, recorder, unit, case, time recorded, importance and playback state. Keyset-paged: pass `nextCursor` as `cursor` for the next page.
         */
        get: operations["searchEvidence"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evidence/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get one recording
         * @description A recording with its hashes (SHA-256, SM3), metadata, trusted timestamp, cases and playable derivatives. Out of scope reads as 404.
         */
        get: operations["getEvidence"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evidence/{id}/custody": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Chain of custody of a recording
         * @description Every custody event of the recording, oldest first: received, verified, viewed, exported, … Each row is part of the hash-chained custody trail.
         */
        get: operations["listCustodyEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evidence/{id}/original": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download the original bytes
         * @description The recording exactly as offloaded from the recorder, as an attachment, with Range support (206); the ETag is its SHA-256 once a fixity check has confirmed the stored bytes. One viewing (all its Range requests) is one audit and custody event.
         */
        get: operations["getOriginal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evidence/{id}/derivatives/{kind}/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a derived file for playback
         * @description Browser derivatives of a recording: `mp4`, `hls` (playlist and segments), poster and thumbnail sprite, with Range support. Watching the video is audited.
         */
        get: operations["getDerivative"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evidence/{id}/renditions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for the H.264 rendition of a recording
         * @description For a browser that cannot play the passthrough (e.g. H.265 without a decoder): starts the just-in-time H.264 HLS transcode, or joins the one running (one per recording, however many viewers ask), or answers the complete one. 202 while it is being made: play `href` once `segments` is at least 1 (ask again to follow). Starts a viewing (audited once per session).
         */
        post: operations["createRendition"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evidence/{id}/renditions/h264/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a file of the H.264 rendition while it is made
         * @description The growing HLS playlist (`index.m3u8`: EVENT while the rendition is made, VOD once complete) and its stored segments (`init.mp4`, `seg-NNNN.m4s`, with Range), served by any API replica as soon as the worker stored them. Part of the viewing its createRendition started.
         */
        get: operations["getRenditionFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evidence/{id}/bookmarks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List bookmarks of a recording
         * @description Bookmarks reviewers set on the recording (offset in milliseconds and a label), in playback order, each with its author's name and 警号. Deleted bookmarks are not listed (the audit trail keeps what they said).
         */
        get: operations["listBookmarks"];
        put?: never;
        /**
         * Bookmark a moment of a recording
         * @description Adds a labelled bookmark at an offset (milliseconds from the start). The author is the caller.
         */
        post: operations["createBookmark"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evidence/{id}/bookmarks/{bookmarkId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete one of your bookmarks
         * @description Takes a bookmark out of every list. Only its author may (others get 403). The audit trail keeps what it said.
         */
        delete: operations["deleteBookmark"];
        options?: never;
        head?: never;
        /**
         * Edit one of your bookmarks
         * @description Changes the label and/or the offset of a bookmark. Only its author may (others get 403). Audited with what it said before and after.
         */
        patch: operations["updateBookmark"];
        trace?: never;
    };
    "/api/evidence/{id}/stills": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List still frames of a recording
         * @description Still frames captured from the recording, newest first: the moment, who asked, and once the worker has taken it from the original, the PNG (a derivative of kind `still`, served by getDerivative). Repeated lists in one session (a page waiting for a capture) are audited once.
         */
        get: operations["listStills"];
        put?: never;
        /**
         * Capture a still frame
         * @description Queues the capture of the frame at `atMs` (milliseconds from the start) from the original, saved as a derivative of the recording (the original is never altered) with a custody event. 422 when `atMs` lies past the end. Poll listStills until it is ready.
         */
        post: operations["createStill"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search cases
         * @description The cases the caller may see, newest first, by `stage`, `state`, unit, or text in number or title (`q`); a complainant gets the status of the cases they reported. `state` is the older, coarser field, kept working: 立案 = stage 立案; 办理中 = any stage from 调查取证 to 执行; 结案 = 结案; 移送 = 移送. Sent instead of `stage`, 办理中 keeps a case already in one of its stages there and moves any other to 调查取证 (docs/case-stages.md).
         */
        get: operations["listCases"];
        put?: never;
        /**
         * Open a case
         * @description Opens a case in a unit the caller works in or supervises; it starts in stage 立案 unless `stage` (or `state`) says otherwise. A number that exists answers 409; its problem body carries `existingId` when the caller may see that case. `state` is the older, coarser field, kept working: 立案 = stage 立案; 办理中 = any stage from 调查取证 to 执行; 结案 = 结案; 移送 = 移送. Sent instead of `stage`, 办理中 keeps a case already in one of its stages there and moves any other to 调查取证 (docs/case-stages.md). PUT /api/cases/by-number/{number} does the same idempotently.
         */
        post: operations["createCase"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cases/by-number/{number}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a case by its number
         * @description The case named by its number (URL-encoded, e.g. %E9%AB%98%E7%8E%AF%E7%BD%9A%E3%80%942026%E3%80%9517%E5%8F%B7 for 高环罚〔2026〕17号; `/` as %2F). A complainant gets the status of a case they reported (id, number, title, stage, state, updatedAt). `state` is the older, coarser field, kept working: 立案 = stage 立案; 办理中 = any stage from 调查取证 to 执行; 结案 = 结案; 移送 = 移送. Sent instead of `stage`, 办理中 keeps a case already in one of its stages there and moves any other to 调查取证 (docs/case-stages.md).
         */
        get: operations["getCaseByNumber"];
        /**
         * Create or update a case by its number
         * @description Idempotent: opens the case if its number is new (201), else changes it (200); fields left out keep their value. The unit, by `unitId` or `unitCode`, must be the case's own (a case does not move between units). A stage change follows the rules of PATCH /api/cases/{id}. A number taken by a case outside the caller's scope answers 409. `state` is the older, coarser field, kept working: 立案 = stage 立案; 办理中 = any stage from 调查取证 to 执行; 结案 = 结案; 移送 = 移送. Sent instead of `stage`, 办理中 keeps a case already in one of its stages there and moves any other to 调查取证 (docs/case-stages.md).
         */
        put: operations["putCaseByNumber"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cases/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a case
         * @description The case named by its id. A complainant gets the status of a case they reported (id, number, title, stage, state, updatedAt). `state` is the older, coarser field, kept working: 立案 = stage 立案; 办理中 = any stage from 调查取证 to 执行; 结案 = 结案; 移送 = 移送. Sent instead of `stage`, 办理中 keeps a case already in one of its stages there and moves any other to 调查取证 (docs/case-stages.md).
         */
        get: operations["getCase"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a case's stage, fields or handlers
         * @description Stages: 立案 → 调查取证 → 审查 → 告知 → 决定 → 送达 → 执行 → 结案 → 移送. Forward along the order freely (stages a case does not need may be skipped); back to an earlier stage with a `reason`; to 移送 from any open stage with `transferTo` and a `reason`; out of 结案 or 移送 only by the unit head or an admin, with a `reason` (a reopening). A refused change answers 403 (who) or 422 (what is missing). Every change is in GET /api/cases/{id}/history and the audit trail. `state` is the older, coarser field, kept working: 立案 = stage 立案; 办理中 = any stage from 调查取证 to 执行; 结案 = 结案; 移送 = 移送. Sent instead of `stage`, 办理中 keeps a case already in one of its stages there and moves any other to 调查取证 (docs/case-stages.md).
         */
        patch: operations["updateCase"];
        trace?: never;
    };
    "/api/units/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A unit's active staff, to assign as case handlers
         * @description The active users of a unit the caller assigns handlers in (its unit head, an overseer of it, an admin), by display name and 警号 with their role; a case's handlers are chosen among its unit's `handler`s (PATCH /api/cases/{id} `handlerIds`). Another unit reads as 404.
         */
        get: operations["listUnitMembers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cases/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A case's history
         * @description Every change to the case, oldest first: its opening, stage changes (from, to, reason, transferTo), edits of title, description, reporter and handlers, and footage linked and unlinked; who made it, when, and from which client address. Each entry is an event of the hash-chained audit trail and carries its hash. Ids of files outside the caller's scope are replaced (`redacted`). Not for a complainant, who sees the case's status only.
         */
        get: operations["getCaseHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cases/{id}/evidence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A case's footage by stage
         * @description The files linked to the case grouped by the stage the case was in when each was linked, for every stage that has footage or that the unit's recording rule (GET /api/units/{id}/recording-rules) requires; `missingStages` are the required stages the case has been in without footage. Lists only files the caller may see.
         */
        get: operations["getCaseFootage"];
        put?: never;
        /**
         * Link footage to a case
         * @description Links a file the caller may see (not one disposed of: 410) to the case named by its id, recording the case's current stage as the stage the footage documents (GET /api/cases/{id}/evidence). Linking a linked file again changes nothing (`linked: false`).
         */
        post: operations["linkCaseEvidence"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cases/{id}/evidence/{evidenceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Unlink footage from a case
         * @description Removes the link of a file to the case named by its id; 404 when it is not linked. Recorded in the case's history.
         */
        delete: operations["unlinkCaseEvidence"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cases/by-number/{number}/evidence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Link footage to a case named by its number
         * @description Links a file the caller may see (not one disposed of: 410) to the case named by its number (URL-encoded, e.g. %E9%AB%98%E7%8E%AF%E7%BD%9A%E3%80%942026%E3%80%9517%E5%8F%B7 for 高环罚〔2026〕17号; `/` as %2F), recording the case's current stage as the stage the footage documents (GET /api/cases/{id}/evidence). Linking a linked file again changes nothing (`linked: false`).
         */
        post: operations["linkCaseEvidenceByNumber"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cases/by-number/{number}/evidence/{evidenceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Unlink footage from a case named by its number
         * @description Removes the link of a file to the case named by its number (URL-encoded, e.g. %E9%AB%98%E7%8E%AF%E7%BD%9A%E3%80%942026%E3%80%9517%E5%8F%B7 for 高环罚〔2026〕17号; `/` as %2F); 404 when it is not linked. Recorded in the case's history.
         */
        delete: operations["unlinkCaseEvidenceByNumber"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/units/{id}/recording-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A unit's recording rule
         * @description Whole-process recording (全过程记录): the enforcement stages whose footage every case of the unit must have. A stage the case has been in without footage linked at that stage is listed in the case's `missingStages` (GET /api/cases/{id}/evidence). Default: 调查取证, 告知, 送达, 执行. Readable by the staff who work in or supervise the unit.
         */
        get: operations["getRecordingRules"];
        /**
         * Set a unit's recording rule
         * @description Whole-process recording (全过程记录): the enforcement stages whose footage every case of the unit must have. A stage the case has been in without footage linked at that stage is listed in the case's `missingStages` (GET /api/cases/{id}/evidence). Default: 调查取证, 告知, 送达, 执行. Set by the unit's head, an overseer of the unit or an admin; audited.
         */
        put: operations["putRecordingRules"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search the audit trail
         * @description Audit events the caller may see, newest first, by object, person, unit, action and time; ids outside the caller's scope are redacted. Page with `before` (the `nextBefore` of the last page).
         */
        get: operations["searchAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export the audit trail as CSV
         * @description The audit events GET /api/audit finds with the same filters, all of them, newest first, as a CSV file for spreadsheets: UTF-8 with a byte order mark, Chinese headers, people by display name with 警号, cells that would run as formulas neutralized. The export itself is audited (`audit.export`, with its filters).
         */
        get: operations["exportAuditCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The newest signed checkpoint of a trail
         * @description The newest checkpoint of the audit or custody chain signed with the platform key: when it was made, the row it covers and its signature algorithms. `checkpoint` is null before the first one.
         */
        get: operations["getNewestCheckpoint"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/timestamps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Trusted timestamp backlog
         * @description How many hashes wait for an RFC 3161 timestamp, pending batches, the oldest pending and the last authority error.
         */
        get: operations["getTimestampBacklog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Verify a hash-chained trail
         * @description Recomputes the audit or custody chain and checks it against the signed checkpoints: whether it is intact, its head, and where it breaks if it does.
         */
        get: operations["verifyTrail"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit/cross-check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Cross-check the audit and custody trails
         * @description Pairs audit events with the custody events they must have caused (and back), and lists any that lack their partner.
         */
        get: operations["crossCheckTrails"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Docking stations and overdue recorders
         * @description Stations of the caller's units with each bay's live offload progress, and recorders not docked for more than 24 hours.
         */
        get: operations["getStationStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/export-signing-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The keys that sign court exports
         * @description The platform's Ed25519 public key (PEM) and its SHA-256 fingerprint, which every export manifest names, and its SM2 public key with the distinguishing ID its signatures use (`sm2`): give them to the court to check packages.
         */
        get: operations["getExportSigningKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cases/{id}/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List exports of a case
         * @description Every export of the case, newest first, with its state.
         */
        get: operations["listCaseExports"];
        put?: never;
        /**
         * Export a case for court
         * @description Queues a signed export package of every file linked to the case, with a reason and an optional receiver. Answers 202 with the export's status; poll GET /api/exports/{id} until `ready`. A case without evidence answers 409.
         */
        post: operations["createCaseExport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Status of an export
         * @description Whether the package is queued, building, ready or failed, with its size and SHA-256 once ready.
         */
        get: operations["getExport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/{id}/package.zip": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an export package
         * @description The signed ZIP package (Range supported). 409 while it is not ready. Check it offline with `evidence verify` or verify.html.
         */
        get: operations["downloadExportPackage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evidence/unassigned": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List evidence without a unit
         * @description Footage no unit can see (its officer is unknown or belongs to no unit), oldest first, for administrators to assign. Keyset-paged with `cursor`.
         */
        get: operations["listUnassignedEvidence"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evidence/{id}/unit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Give unassigned evidence its unit
         * @description Assigns a unit to a recording that has none, once, with a reason; recorded in the custody trail. A recording that already has a unit answers 409.
         */
        post: operations["assignEvidenceUnit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/units": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List units
         * @description Every unit, by code. Every signed-in role may list them.
         */
        get: operations["listUnits"];
        put?: never;
        /**
         * Create a unit
         * @description Adds an agency or a supervising unit (with an optional parent). A code that exists answers 409.
         */
        post: operations["createUnit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List user accounts
         * @description Every account with its failed logins and lockout; `locked=true` lists only accounts locked now.
         */
        get: operations["listUsers"];
        put?: never;
        /**
         * Create a user account
         * @description Adds a local account with its role; an officer or unit head belongs to a unit (`unitId`), a supervisor names the units in their charge (`oversees`). A taken user name or officer number answers 409.
         */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{id}/unlock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Lift a lockout
         * @description Clears the failed-login count and the lockout of an account.
         */
        post: operations["unlockUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a user account
         * @description Changes the display name, unit, officer number (警号), the units an overseer supervises (`oversees`, replaced as a whole) or whether the account is disabled (its sessions end). When the account then has both an officer number and a unit, that officer's footage that has no unit yet is given the unit (each file on its custody trail; `attributedFootage` in the audit event). A taken officer number answers 409, as does disabling one's own account.
         */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/api/users/{id}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password for a user
         * @description An administrator sets a new password (at least 10 characters) for the account: every session of that user ends, and a lockout is lifted.
         */
        post: operations["resetUserPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/recorders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List recorders
         * @description Every recorder the platform has seen or bound, with the officer it is bound to, that officer's unit and when it was last docked.
         */
        get: operations["listRecorders"];
        put?: never;
        /**
         * Bind a recorder to an officer
         * @description Records which officer carries the recorder with this serial (or none, with `officerNo: null`); footage that names no officer is then attributed to them.
         */
        post: operations["bindRecorder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stations/{id}/unit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Bind a docking station to a unit
         * @description Says which unit a docking station belongs to (or none, with `unitId: null`): the unit's head and overseers then watch it on the stations page.
         */
        post: operations["bindStationUnit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List API tokens
         * @description Every API token (never its secret): who it acts as, its scopes, when it was made, last used (when known) and revoked.
         */
        get: operations["listTokens"];
        put?: never;
        /**
         * Create an API token
         * @description Issues a bearer token for a system account or a station, with a role and optional scopes; the token is shown only in this answer.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API token
         * @description The token stops working at once.
         */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List webhooks
         * @description An admin sees every webhook, anyone else the webhooks they made. Secrets are never shown.
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Register a webhook
         * @description Events of the given types are POSTed to `url` as `{ id, type, occurredAt, data }` with `X-Evidence-Event`, `X-Evidence-Delivery` (the event id) and `X-Evidence-Signature: sha256=<hex HMAC-SHA256 of the raw body with secret>`. At least once, in order per case, retried with exponential backoff for 24 hours. Only events the caller may see are sent (checked again at each delivery). The secret is never shown again. Receivers on loopback or private addresses are refused (422) unless the platform allows them.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a webhook
         * @description Stops all deliveries to it, pending ones included; its delivery history goes with it.
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a webhook's deliveries
         * @description Newest first: each event sent (or being retried) to the webhook, its attempts, the last answer, and the state: `pending` (will be tried again at `nextAttemptAt`), `delivered` (the receiver answered 2xx) or `failed` (given up after 24 hours of retries, or withheld because the creator may no longer see the event).
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the event feed
         * @description The same events webhooks deliver, as `{ id, type, occurredAt, data }`, in commit order, limited to what the caller may see. Start without `after`, then pass the `nextCursor` of each answer as `after` (keep it between polls: it is always given, also when no event is new). An event appears once its change committed and never moves: a reader that keeps its cursor misses none.
         */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/fixity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Integrity alarm
         * @description The last fixity pass, every stored object whose last check failed, and the verdict on each hash-chained trail; `alarm` is true if anything is wrong.
         */
        get: operations["getFixityStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/fixity/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a fixity pass now
         * @description Starts re-reading every stored object against its recorded hashes; answers 202 with the run (Location: its status). One pass at a time: 409 while one runs.
         */
        post: operations["startFixityRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/fixity/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Status of a fixity pass
         * @description Progress and outcome of one pass: objects and bytes checked, failures.
         */
        get: operations["getFixityRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/storage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Storage used, its growth and its projected size
         * @description Bytes and counts of stored originals and derivatives (apart; disposed recordings hold none), by retention category, by unit (null: footage no unit owns yet) and by calendar month of recording (Beijing time; the time received when the recorder time is unknown). `growth`: what was stored in the last 30 days. `projection`: the size in 365 days under today's rules, assuming every recording is disposed of as soon as its retention ends: per category, what is stored now, minus what its period lets expire within the 365 days (never IMP-flagged or case-linked footage), plus intake at the rate of the last 30 days, of which a category with a period (一般: 180 days) keeps only its last period's worth and a permanent one all of it. Holds and future links are not foreseen. Derivatives follow their originals. Aggregated in the database in one grouped query.
         */
        get: operations["getStorageReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Retention categories
         * @description Every legal retention category with its period (null: permanent).
         */
        get: operations["listRetentionCategories"];
        put?: never;
        /**
         * Add a retention category
         * @description A new category; its period may later be lengthened freely, shortened only with a second person's approval.
         */
        post: operations["createRetentionCategory"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/categories/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a retention category
         * @description Name and description change at once, and so does a longer period. A shorter period (or permanent to a number of days) is not applied: it becomes a pending change (202) that a second admin or overseer approves; even then it disposes of nothing by itself, only later disposal requests see it.
         */
        patch: operations["updateRetentionCategory"];
        trace?: never;
    };
    "/api/retention/category-changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Category changes
         * @description Shortenings of category periods, pending a second person's approval or applied.
         */
        get: operations["listRetentionCategoryChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/category-changes/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a shortening
         * @description A second admin or overseer (not the requester) applies a pending shortening of a category period.
         */
        post: operations["approveRetentionCategoryChange"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/units/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * A unit's case retention
         * @description How long evidence of the unit's closed (结案/移送) cases is kept after closing, in days; null: permanently (the default).
         */
        patch: operations["updateUnitCaseRetention"];
        trace?: never;
    };
    "/api/evidence/{id}/retention": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Set a recording's category
         * @description Puts a recording one can see in another category of equal or longer period (e.g. 执法异常: obstruction, mass incident); a shorter one is refused.
         */
        patch: operations["setEvidenceCategory"];
        trace?: never;
    };
    "/api/holds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Holds
         * @description Active holds (and released ones with released=true) on recordings and cases in the caller's units.
         */
        get: operations["listHolds"];
        put?: never;
        /**
         * Put a hold
         * @description A held recording (or every recording linked to a held case) is never disposed of, whatever its category, until the hold is released.
         */
        post: operations["createHold"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/holds/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Release a hold
         * @description Ends a hold, with the reason; the recording's retention then applies again.
         */
        delete: operations["releaseHold"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/due": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Dry run: what would be disposed of
         * @description Exactly the recordings a disposal request made now for `asOf` would list (never anything held, linked to a case still keeping it, IMP-flagged or permanent), oldest first and paged; `totals` cover them all.
         */
        get: operations["listDueRecordings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/expiring": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What expires soon
         * @description Recordings of the caller's units (all for admins and auditors) that are not due yet but will be within `days`: put them on hold or link them to keep them.
         */
        get: operations["getExpiringRecordings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/disposals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Disposal requests
         * @description The newest disposal requests with their status and totals.
         */
        get: operations["listDisposalRequests"];
        put?: never;
        /**
         * Request a disposal
         * @description Freezes the due list for `asOf` as a request; nothing is deleted until a second person approves it and the grace period (EVIDENCE_RETENTION_GRACE_DAYS) has passed.
         */
        post: operations["createDisposalRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/disposals/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A disposal request
         * @description Its status, totals, and the items skipped (held or linked meanwhile, no longer due) or failed when it ran.
         */
        get: operations["getDisposalRequest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/disposals/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a disposal
         * @description The second person (an admin or overseer other than the requester) approves; it runs once the grace period is over and can be cancelled until then.
         */
        post: operations["approveDisposalRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/disposals/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a disposal
         * @description Cancels a pending or approved request before it runs.
         */
        post: operations["cancelDisposalRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reviews/rubrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Review rubrics
         * @description Every rubric in its current version; `isDefault` marks the one a review uses when it names none (seeded: 表明身份, 告知录音录像, 全程不间断, 用语规范, 证据完整).
         */
        get: operations["listReviewRubrics"];
        put?: never;
        /**
         * Add a review rubric
         * @description A new rubric: items, each scored pass or fail on every sampled recording. Audited.
         */
        post: operations["createReviewRubric"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reviews/rubrics/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change a review rubric
         * @description Replaces the rubric's name and items as a new version. Reviews already drawn keep the items they were drawn with, and their scores stay as given. Audited.
         */
        put: operations["updateReviewRubric"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reviews": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List sample reviews
         * @description Sample reviews of the units the caller works in or supervises (auditors: all), newest first; `unitId` narrows to one unit. Keyset-paged with `cursor`.
         */
        get: operations["listReviews"];
        put?: never;
        /**
         * Draw a sample review
         * @description Draws `size` recordings at random from the unit's recordings recorded (recorder time) in [`from`, `to`), to be scored against the rubric (`rubricId`, else the default). The draw is reproducible: the answer carries the `seed` (random unless one is given, e.g. to repeat an earlier draw) and a digest of the population; the same seed over the same recordings gives the same sample. Overseers draw in the units they oversee, auditors in any. Audited with the seed and the sample.
         */
        post: operations["createReview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reviews/results": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Sample review results per unit and officer
         * @description How the sampled recordings recorded (recorder time) in [`from`, `to`) scored, per unit and per officer, in the units the caller works in or supervises (auditors: all); `unitId` narrows to one unit. `passRate` is the fraction of scored items that passed (null before any is scored).
         */
        get: operations["getReviewResults"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reviews/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A sample review
         * @description The draw (seed, population, rubric as it was when drawn), every sampled recording with its scores, and the results overall and per officer.
         */
        get: operations["getReview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reviews/{id}/samples/{evidenceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Score a sampled recording
         * @description Scores rubric items of one sampled recording: each passes or fails, with a note; `bookmarkOffsetMs` also sets a bookmark at that moment of the recording (GET /api/evidence/{id}/bookmarks). Items not sent keep their scores; an item sent again is scored anew. Audited.
         */
        put: operations["scoreReviewSample"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reminders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List supervision reminders
         * @description Reminders to the units the caller heads or supervises (auditors, admins: all), newest first; narrowed by `unitId`, `caseId`, `evidenceId` and `state` (逾期: 待回复 or 已退回 past the due date; 待回复 and 已退回 then mean not yet due). Keyset-paged with `cursor`.
         */
        get: operations["listReminders"];
        put?: never;
        /**
         * Issue a supervision reminder
         * @description Reminds the unit of a case (`caseId`) or a recording (`evidenceId`), exactly one, with a text and a due date; the unit is the case's or the recording's (`unitId`, if sent, must be it). Overseers remind the units they oversee, auditors (e.g. the legal-affairs office) any. The reminder starts 待回复 and reads 逾期 once the due date passes unanswered. Audited; event `reminder.issued`.
         */
        post: operations["createReminder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reminders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A supervision reminder
         * @description The reminder, its state (逾期 computed from the due date) and every step: issued, responded (text and links), returned, closed.
         */
        get: operations["getReminder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reminders/{id}/responses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer a supervision reminder
         * @description The head of the reminded unit answers with a text and optional links (to recordings, cases or documents), also after the due date; the reminder becomes 已回复. Only a reminder that is 待回复, 已退回 or 逾期 takes an answer (409 otherwise). Audited; event `reminder.responded`.
         */
        post: operations["respondToReminder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reminders/{id}/return": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Return an answered reminder
         * @description The supervisor who issued the reminder sends an answer back as insufficient, with a text and optionally a new due date; the reminder becomes 已退回 and waits for another answer. Only an answered (已回复) reminder can be returned (409 otherwise); another supervisor gets 403. Audited; event `reminder.returned`.
         */
        post: operations["returnReminder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reminders/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Close an answered reminder
         * @description The supervisor who issued the reminder accepts the answer, with a text; the reminder becomes 已办结. Only an answered (已回复) reminder can be closed (409 otherwise); another supervisor gets 403. Audited; event `reminder.closed`.
         */
        post: operations["closeReminder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/supervision/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Recording compliance per unit
         * @description For a period (default: the last 30 days) each unit's recordings (counted by recorder time), hours, bytes, on-time upload rate, late recordings, overdue recorders, footage without a case and cases missing footage of a required stage; with `unitId` also its officers. Scoped by supervision level: a unit head sees their unit, an overseer the units they oversee, auditors and admins every unit.
         */
        get: operations["getSupervisionSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/supervision/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The rows behind a compliance figure
         * @description The late or unlinked recordings, the cases missing footage, the overdue recorders (or the recordings whose recorder clock was more than 5 minutes off, `clockSkew`) of the period, oldest first, keyset-paged. Scoped by supervision level: a unit head sees their unit, an overseer the units they oversee, auditors and admins every unit.
         */
        get: operations["listSupervisionItems"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/supervision/report.xlsx": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Supervision report (Excel workbook)
         * @description The summary and one sheet per figure with the rows behind it, column headers in Chinese, streamed. Scoped by supervision level: a unit head sees their unit, an overseer the units they oversee, auditors and admins every unit.
         */
        get: operations["getSupervisionReportXlsx"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/supervision/report.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Supervision report (CSV)
         * @description The same sheets as the workbook in one UTF-8 CSV with a byte-order mark: each sheet's title line, its header and rows, then a blank line. Text that a spreadsheet would take for a formula starts with an apostrophe. Scoped by supervision level: a unit head sees their unit, an overseer the units they oversee, auditors and admins every unit.
         */
        get: operations["getSupervisionReportCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ingest/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open an offload session
         * @description One docking of one recorder in a bay; stations, bays and recorders are registered on first use. The recorder clock minus the station clock is kept as the clock skew of the session's files.
         */
        post: operations["openOffloadSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ingest/v1/sessions/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Close an offload session
         * @description The docking ended (the recorder was taken out, or every file is done).
         */
        post: operations["closeOffloadSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ingest/v1/sessions/{id}/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Announce a file
         * @description Names a file of the recorder (its path as raw bytes in base64) and its size; answers the upload and the offset the server holds, so a dock that crashed resumes. 409 while another dock holds the upload (retry at `retryAt`); 413 above the platform's file size limit.
         */
        post: operations["announceFile"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ingest/v1/uploads/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Status of an upload
         * @description The bytes the server holds (also in the Upload-Offset header) and the upload's state.
         */
        get: operations["getUploadStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Send file bytes
         * @description Appends a chunk (application/offset+octet-stream) at Upload-Offset, which must equal the bytes the server holds (else 409 with the right `offset`). 507 when staging space is low.
         */
        patch: operations["sendUploadBytes"];
        trace?: never;
    };
    "/ingest/v1/uploads/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Complete an upload
         * @description The dock's SHA-256 and SM3 of the file; the server compares them with its own (422 and the upload rejected when they differ) and stores the evidence. `mayPurge` says the dock may delete the file from the recorder.
         */
        post: operations["completeUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ingest/v1/uploads/{id}/purged": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report a file deleted from the recorder
         * @description The dock deleted the verified file from the recorder; recorded in the custody trail, once.
         */
        post: operations["reportPurge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description RFC 9457 problem details; more fields where they help (`retryable`, `offset`, the existing `id`, …). */
        Problem: {
            type?: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
        } & {
            [key: string]: unknown;
        };
    };
    responses: {
        /** @description 请求无效 Bad Request: the request does not match the schema (the detail names the field), or a value is not accepted. */
        Problem400: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description 未认证 Unauthorized: no valid session cookie or bearer token (missing, expired or revoked). */
        Problem401: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description 请求过多 Too Many Requests: too many attempts; wait before trying again. */
        Problem429: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description 无权限 Forbidden: the permission table does not give your role or token scope this action, or a rule refuses it (the detail says which). */
        Problem403: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description 不存在 Not Found: the resource does not exist or is outside your scope; the two are deliberately not told apart. */
        Problem404: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description 冲突 Conflict: the request conflicts with the current state (a duplicate, a state that does not allow it, work already running); the detail says which. */
        Problem409: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description 无法处理 Unprocessable Content: the request is well formed but cannot be carried out (e.g. hashes that do not match the bytes received). */
        Problem422: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description 暂不可用 Service Unavailable: the database or the object store could not be reached; the body has `retryable: true`, try again shortly. */
        Problem503: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description 已处置 Gone: the recording was disposed of under an approved two-person retention request; the body carries the disposal record (`disposal`). */
        Problem410: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description 范围无效 Range Not Satisfiable: the Range header asks for bytes the object does not have. */
        Problem416: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description 内容过大 Content Too Large: the declared size is above the platform's limit for one file. */
        Problem413: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description 存储不足 Insufficient Storage: the staging space is too low to accept the upload; `retryable: true`. */
        Problem507: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ready";
                        /** @description database, redis (when used), store, staging */
                        checks: {
                            [key: string]: {
                                ok: boolean;
                                /** @description How long the check took */
                                ms: number;
                                /** @description Why it failed (no addresses, no secrets) */
                                detail?: string;
                            };
                        };
                    };
                };
            };
            /** @description 未就绪 Not ready: the detail names the failed checks; `checks` has each result. Take this replica out of the load balancer until it answers 200. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type?: string;
                        title: string;
                        status: number;
                        detail?: string;
                        instance?: string;
                        /** @description database, redis (when used), store, staging */
                        checks: {
                            [key: string]: {
                                ok: boolean;
                                /** @description How long the check took */
                                ms: number;
                                /** @description Why it failed (no addresses, no secrets) */
                                detail?: string;
                            };
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
        };
    };
    logIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "zhang.wei",
                 *       "password": "correct horse battery"
                 *     }
                 */
                "application/json": {
                    username: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        displayName: string | null;
                        /** @enum {string} */
                        role: "handler" | "unit_head" | "overseer" | "auditor" | "complainant" | "admin" | "station";
                        unitId: string | null;
                        officerNo: string | null;
                        oversees: string[];
                        actions: string[];
                        workUnits: string[] | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            429: components["responses"]["Problem429"];
        };
    };
    logOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        displayName: string | null;
                        /** @enum {string} */
                        role: "handler" | "unit_head" | "overseer" | "auditor" | "complainant" | "admin" | "station";
                        unitId: string | null;
                        officerNo: string | null;
                        oversees: string[];
                        actions: string[];
                        workUnits: string[] | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    searchEvidence: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                officerNo?: string;
                deviceSerial?: string;
                unitId?: string;
                caseId?: string;
                from?: string;
                to?: string;
                important?: boolean;
                state?: "queued" | "processing" | "ready" | "unplayable" | "failed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            sha256: string;
                            sm3: string;
                            size: number;
                            originalPath: string;
                            originalName: string;
                            officerNo: string | null;
                            deviceSerial: string;
                            unitId: string | null;
                            recordedAt: string | null;
                            stationTime: string | null;
                            receivedAt: string;
                            clockSkewMs: number | null;
                            important: boolean;
                            state: string;
                            /** @enum {string} */
                            playbackState: "queued" | "processing" | "ready" | "unplayable" | "failed";
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getEvidence: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        sha256: string;
                        sm3: string;
                        size: number;
                        originalPath: string;
                        originalName: string;
                        officerNo: string | null;
                        deviceSerial: string;
                        unitId: string | null;
                        recordedAt: string | null;
                        stationTime: string | null;
                        receivedAt: string;
                        clockSkewMs: number | null;
                        important: boolean;
                        state: string;
                        /** @enum {string} */
                        playbackState: "queued" | "processing" | "ready" | "unplayable" | "failed";
                    } & {
                        playback: {
                            /** @enum {string} */
                            state: "queued" | "processing" | "ready" | "unplayable" | "failed";
                            reason?: string;
                            progress: number;
                            durationMs: number | null;
                            frameRate: number | null;
                            derivatives: {
                                kind: string;
                                href: string;
                                sha256: string;
                                size: number;
                                mimeType: string;
                                files: {
                                    name: string;
                                    href: string;
                                    sha256: string;
                                    size: number;
                                    mimeType: string;
                                }[];
                            }[];
                            passthrough: {
                                href: string;
                                codecs: string;
                            } | null;
                        };
                        timestamp: {
                            /** @enum {string} */
                            state: "pending" | "stamped";
                            time?: string;
                            authority?: string;
                            tokenRef?: string;
                            root?: string;
                            leafIndex?: number;
                            treeSize?: number;
                            auditPath?: string[];
                            pendingSince?: string;
                            attempts?: number;
                            lastError?: string | null;
                        } | null;
                        fixity: {
                            /** @enum {string} */
                            state: "unchecked" | "ok" | "altered" | "missing";
                            checkedAt?: string;
                            detail?: string;
                        };
                        cases: {
                            id: string;
                            number: string;
                            title: string;
                            state: string;
                        }[];
                        hiddenCaseCount?: number;
                        retention: {
                            category: string;
                            expiresAt: string | null;
                            heldBy: string[];
                            reason: string;
                        };
                        disposal?: {
                            id: string | null;
                            disposedAt: string | null;
                            reason: string | null;
                            asOf: string | null;
                            requestedBy: string | null;
                            approvedBy: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listCustodyEvents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            seq: number;
                            action: string;
                            actor: string;
                            at: string;
                            details: {
                                [key: string]: unknown;
                            };
                            hash: string;
                            redacted?: boolean;
                            actorDisplayName?: string | null;
                            actorOfficerNo?: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getOriginal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description Partial Content: the bytes the Range header asked for */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            410: components["responses"]["Problem410"];
            416: components["responses"]["Problem416"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getDerivative: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                kind: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description Partial Content: the bytes the Range header asked for */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            410: components["responses"]["Problem410"];
            416: components["responses"]["Problem416"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createRendition: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "codec": "h264"
                 *     }
                 */
                "application/json": {
                    /** @enum {string} */
                    codec: "h264";
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        state: "queued" | "running" | "ready" | "failed";
                        href: string;
                        segments: number;
                        reason?: string;
                    };
                };
            };
            /** @description Accepted: the work is queued; its status is in the answer */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        state: "queued" | "running" | "ready" | "failed";
                        href: string;
                        segments: number;
                        reason?: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            410: components["responses"]["Problem410"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getRenditionFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description Partial Content: the bytes the Range header asked for */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            410: components["responses"]["Problem410"];
            416: components["responses"]["Problem416"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listBookmarks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            offsetMs: number;
                            label: string;
                            author: string;
                            authorId: string | null;
                            authorDisplayName: string | null;
                            authorOfficerNo: string | null;
                            createdAt: string;
                            updatedAt: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createBookmark: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "offsetMs": 83500,
                 *       "label": "当事人拒绝签字 party refuses to sign"
                 *     }
                 */
                "application/json": {
                    offsetMs: number;
                    label: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        offsetMs: number;
                        label: string;
                        author: string;
                        authorId: string | null;
                        authorDisplayName: string | null;
                        authorOfficerNo: string | null;
                        createdAt: string;
                        updatedAt: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    deleteBookmark: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                bookmarkId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    updateBookmark: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                bookmarkId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "label": "当事人拒绝签字并离开 party refuses to sign and leaves"
                 *     }
                 */
                "application/json": {
                    offsetMs?: number;
                    label?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        offsetMs: number;
                        label: string;
                        author: string;
                        authorId: string | null;
                        authorDisplayName: string | null;
                        authorOfficerNo: string | null;
                        createdAt: string;
                        updatedAt: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listStills: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            atMs: number;
                            /** @enum {string} */
                            state: "queued" | "ready" | "failed";
                            requestedBy: string;
                            requestedByDisplayName: string | null;
                            requestedByOfficerNo: string | null;
                            requestedAt: string;
                            file?: {
                                href: string;
                                sha256: string;
                                size: number;
                                mimeType: string;
                            };
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createStill: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "atMs": 83500
                 *     }
                 */
                "application/json": {
                    atMs: number;
                };
            };
        };
        responses: {
            /** @description Accepted: the work is queued; its status is in the answer */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        atMs: number;
                        /** @enum {string} */
                        state: "queued" | "ready" | "failed";
                        requestedBy: string;
                        requestedByDisplayName: string | null;
                        requestedByOfficerNo: string | null;
                        requestedAt: string;
                        file?: {
                            href: string;
                            sha256: string;
                            size: number;
                            mimeType: string;
                        };
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            410: components["responses"]["Problem410"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listCases: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                stage?: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                state?: "立案" | "办理中" | "结案" | "移送";
                unitId?: string;
                q?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: ({
                            id: string;
                            number: string;
                            title: string;
                            description: string | null;
                            unitId: string;
                            /** @enum {string} */
                            stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                            /** @enum {string} */
                            state: "立案" | "办理中" | "结案" | "移送";
                            transferTo: string | null;
                            handlerIds: string[];
                            handlers: {
                                id: string;
                                username: string;
                                displayName: string | null;
                                officerNo: string | null;
                            }[];
                            reporterId: string | null;
                            evidenceCount: number;
                            hiddenEvidenceCount: number;
                            nextStages: {
                                /** @enum {string} */
                                stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                                needs: ("reason" | "transferTo")[];
                            }[];
                            createdAt: string;
                            updatedAt: string;
                        } | {
                            id: string;
                            number: string;
                            title: string;
                            /** @enum {string} */
                            stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                            /** @enum {string} */
                            state: "立案" | "办理中" | "结案" | "移送";
                            updatedAt: string;
                        })[];
                        nextCursor: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createCase: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "number": "高环罚〔2026〕17号",
                 *       "title": "某公司超标排放案",
                 *       "unitId": "0f8fad5b-d9cb-469f-a165-70867728950e",
                 *       "description": "群众举报",
                 *       "stage": "立案"
                 *     }
                 */
                "application/json": {
                    number: string;
                    title: string;
                    /** Format: uuid */
                    unitId: string;
                    /** Format: uuid */
                    reporterId?: string;
                    description?: string;
                    /** @enum {string} */
                    stage?: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                    /** @enum {string} */
                    state?: "立案" | "办理中" | "结案" | "移送";
                    reason?: string;
                    transferTo?: string;
                    handlerIds?: string[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        number: string;
                        title: string;
                        description: string | null;
                        unitId: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        transferTo: string | null;
                        handlerIds: string[];
                        handlers: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            officerNo: string | null;
                        }[];
                        reporterId: string | null;
                        evidenceCount: number;
                        hiddenEvidenceCount: number;
                        nextStages: {
                            /** @enum {string} */
                            stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                            needs: ("reason" | "transferTo")[];
                        }[];
                        createdAt: string;
                        updatedAt: string;
                    } | {
                        id: string;
                        number: string;
                        title: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getCaseByNumber: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                number: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        number: string;
                        title: string;
                        description: string | null;
                        unitId: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        transferTo: string | null;
                        handlerIds: string[];
                        handlers: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            officerNo: string | null;
                        }[];
                        reporterId: string | null;
                        evidenceCount: number;
                        hiddenEvidenceCount: number;
                        nextStages: {
                            /** @enum {string} */
                            stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                            needs: ("reason" | "transferTo")[];
                        }[];
                        createdAt: string;
                        updatedAt: string;
                    } | {
                        id: string;
                        number: string;
                        title: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    putCaseByNumber: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                number: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "title": "某公司超标排放案",
                 *       "unitCode": "HBJ",
                 *       "description": "群众举报",
                 *       "stage": "调查取证"
                 *     }
                 */
                "application/json": {
                    title: string;
                    /** Format: uuid */
                    unitId?: string;
                    unitCode?: string;
                    /** Format: uuid */
                    reporterId?: string;
                    description?: string;
                    /** @enum {string} */
                    stage?: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                    /** @enum {string} */
                    state?: "立案" | "办理中" | "结案" | "移送";
                    reason?: string;
                    transferTo?: string;
                    handlerIds?: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        number: string;
                        title: string;
                        description: string | null;
                        unitId: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        transferTo: string | null;
                        handlerIds: string[];
                        handlers: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            officerNo: string | null;
                        }[];
                        reporterId: string | null;
                        evidenceCount: number;
                        hiddenEvidenceCount: number;
                        nextStages: {
                            /** @enum {string} */
                            stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                            needs: ("reason" | "transferTo")[];
                        }[];
                        createdAt: string;
                        updatedAt: string;
                    } | {
                        id: string;
                        number: string;
                        title: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        updatedAt: string;
                    };
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        number: string;
                        title: string;
                        description: string | null;
                        unitId: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        transferTo: string | null;
                        handlerIds: string[];
                        handlers: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            officerNo: string | null;
                        }[];
                        reporterId: string | null;
                        evidenceCount: number;
                        hiddenEvidenceCount: number;
                        nextStages: {
                            /** @enum {string} */
                            stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                            needs: ("reason" | "transferTo")[];
                        }[];
                        createdAt: string;
                        updatedAt: string;
                    } | {
                        id: string;
                        number: string;
                        title: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getCase: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        number: string;
                        title: string;
                        description: string | null;
                        unitId: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        transferTo: string | null;
                        handlerIds: string[];
                        handlers: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            officerNo: string | null;
                        }[];
                        reporterId: string | null;
                        evidenceCount: number;
                        hiddenEvidenceCount: number;
                        nextStages: {
                            /** @enum {string} */
                            stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                            needs: ("reason" | "transferTo")[];
                        }[];
                        createdAt: string;
                        updatedAt: string;
                    } | {
                        id: string;
                        number: string;
                        title: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    updateCase: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    title?: string;
                    description?: string;
                    /** @enum {string} */
                    stage?: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                    /** @enum {string} */
                    state?: "立案" | "办理中" | "结案" | "移送";
                    reason?: string;
                    transferTo?: string;
                    handlerIds?: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        number: string;
                        title: string;
                        description: string | null;
                        unitId: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        transferTo: string | null;
                        handlerIds: string[];
                        handlers: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            officerNo: string | null;
                        }[];
                        reporterId: string | null;
                        evidenceCount: number;
                        hiddenEvidenceCount: number;
                        nextStages: {
                            /** @enum {string} */
                            stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                            needs: ("reason" | "transferTo")[];
                        }[];
                        createdAt: string;
                        updatedAt: string;
                    } | {
                        id: string;
                        number: string;
                        title: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        /** @enum {string} */
                        state: "立案" | "办理中" | "结案" | "移送";
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listUnitMembers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            officerNo: string | null;
                            role: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getCaseHistory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            seq: number;
                            at: string;
                            actorId: string | null;
                            actorName: string;
                            actor: {
                                id: string;
                                username: string;
                                displayName: string | null;
                                officerNo: string | null;
                            } | null;
                            role: string | null;
                            client: string | null;
                            action: string;
                            reason: string | null;
                            details: {
                                [key: string]: unknown;
                            };
                            hash: string;
                            redacted?: boolean;
                            evidenceName?: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getCaseFootage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        caseId: string;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                        requiredStages: ("立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送")[];
                        missingStages: ("立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送")[];
                        stages: {
                            /** @enum {string} */
                            stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                            required: boolean;
                            hasFootage: boolean;
                            evidence: {
                                id: string;
                                originalName: string;
                                recordedAt: string | null;
                                linkedAt: string;
                                linkedBy: string | null;
                            }[];
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    linkCaseEvidence: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "evidenceId": "9b2e4c1a-5f3d-4e8b-a7c6-1d2e3f4a5b6c"
                 *     }
                 */
                "application/json": {
                    /** Format: uuid */
                    evidenceId: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        caseId: string;
                        evidenceId: string;
                        linked: boolean;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            410: components["responses"]["Problem410"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    unlinkCaseEvidence: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                evidenceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    linkCaseEvidenceByNumber: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                number: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "evidenceId": "9b2e4c1a-5f3d-4e8b-a7c6-1d2e3f4a5b6c"
                 *     }
                 */
                "application/json": {
                    /** Format: uuid */
                    evidenceId: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        caseId: string;
                        evidenceId: string;
                        linked: boolean;
                        /** @enum {string} */
                        stage: "立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送";
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            410: components["responses"]["Problem410"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    unlinkCaseEvidenceByNumber: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                number: string;
                evidenceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getRecordingRules: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        unitId: string;
                        requiredStages: ("立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送")[];
                        isDefault: boolean;
                        updatedAt: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    putRecordingRules: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "requiredStages": [
                 *         "调查取证",
                 *         "告知",
                 *         "送达",
                 *         "执行"
                 *       ]
                 *     }
                 */
                "application/json": {
                    requiredStages: ("立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送")[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        unitId: string;
                        requiredStages: ("立案" | "调查取证" | "审查" | "告知" | "决定" | "送达" | "执行" | "结案" | "移送")[];
                        isDefault: boolean;
                        updatedAt: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    searchAudit: {
        parameters: {
            query?: {
                objectId?: string;
                userId?: string;
                person?: string;
                unitId?: string;
                action?: string;
                from?: string;
                to?: string;
                limit?: number;
                before?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            seq: number;
                            at: string;
                            actorId: string | null;
                            actorName: string;
                            actorDisplayName: string | null;
                            actorOfficerNo: string | null;
                            role: string | null;
                            unitId: string | null;
                            action: string;
                            objectType: string | null;
                            objectId: string | null;
                            client: string | null;
                            outcome: string;
                            details: {
                                [key: string]: unknown;
                            };
                            hash: string;
                            redacted?: boolean;
                        }[];
                        nextBefore: number | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    exportAuditCsv: {
        parameters: {
            query?: {
                objectId?: string;
                userId?: string;
                person?: string;
                unitId?: string;
                action?: string;
                from?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getNewestCheckpoint: {
        parameters: {
            query?: {
                chain?: "audit" | "custody";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        chain: string;
                        checkpoint: {
                            seq: number;
                            at: string;
                            algorithms: string[];
                        } | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getTimestampBacklog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        queued: number;
                        pendingBatches: number;
                        oldestPendingSince: string | null;
                        lastError: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    verifyTrail: {
        parameters: {
            query?: {
                chain?: "audit" | "custody";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        chain: string;
                        ok: boolean;
                        rows: number;
                        head?: string;
                        brokenAt?: number;
                        reason?: string;
                        checkpoints: number;
                        covered?: {
                            seq: number;
                            at: string;
                        } | null;
                        signatures?: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    crossCheckTrails: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ok: boolean;
                        pairs: number;
                        unmatched: {
                            /** @enum {string} */
                            trail: "custody" | "audit";
                            seq: number;
                            action: string;
                            evidenceId: string | null;
                            actor: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getStationStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        generatedAt: string;
                        overdueAfterHours: number;
                        stations: {
                            id: string;
                            code: string;
                            name: string;
                            unitId: string | null;
                            lastSeenAt: string | null;
                            bays: {
                                number: number;
                                offload: {
                                    sessionId: string;
                                    recorderSerial: string;
                                    officerNo: string | null;
                                    openedAt: string;
                                    files: {
                                        total: number;
                                        verified: number;
                                        receiving: number;
                                        rejected: number;
                                    };
                                    bytes: {
                                        total: number;
                                        done: number;
                                    };
                                } | null;
                            }[];
                        }[];
                        overdueRecorders: {
                            serial: string;
                            officerNo: string | null;
                            unitId: string | null;
                            lastDockedAt: string | null;
                            hoursSinceDocked: number | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getExportSigningKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        algorithm: "Ed25519";
                        fingerprint: string;
                        publicKeyPem: string;
                        sm2: {
                            /** @enum {string} */
                            algorithm: "SM2";
                            fingerprint: string;
                            publicKeyPem: string;
                            distinguishingId: string;
                        };
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listCaseExports: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            exportId: string;
                            caseId: string;
                            /** @enum {string} */
                            status: "building" | "ready" | "failed";
                            reason: string;
                            receiver: string | null;
                            exporter: string;
                            exportedBy: {
                                id: string;
                                username: string;
                                displayName: string | null;
                                officerNo: string | null;
                            } | null;
                            bytesDone: number;
                            bytesTotal: number;
                            sha256: string | null;
                            size: number | null;
                            keyFingerprint: string;
                            href: string;
                            error?: string;
                            createdAt: string;
                            finishedAt: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createCaseExport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "reason": "移送法院审理 for the court hearing",
                 *       "receiver": "高新区人民法院 district court"
                 *     }
                 */
                "application/json": {
                    reason: string;
                    receiver?: string;
                };
            };
        };
        responses: {
            /** @description Accepted: the work is queued; its status is in the answer */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        exportId: string;
                        caseId: string;
                        /** @enum {string} */
                        status: "building" | "ready" | "failed";
                        reason: string;
                        receiver: string | null;
                        exporter: string;
                        exportedBy: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            officerNo: string | null;
                        } | null;
                        bytesDone: number;
                        bytesTotal: number;
                        sha256: string | null;
                        size: number | null;
                        keyFingerprint: string;
                        href: string;
                        error?: string;
                        createdAt: string;
                        finishedAt: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getExport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        exportId: string;
                        caseId: string;
                        /** @enum {string} */
                        status: "building" | "ready" | "failed";
                        reason: string;
                        receiver: string | null;
                        exporter: string;
                        exportedBy: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            officerNo: string | null;
                        } | null;
                        bytesDone: number;
                        bytesTotal: number;
                        sha256: string | null;
                        size: number | null;
                        keyFingerprint: string;
                        href: string;
                        error?: string;
                        createdAt: string;
                        finishedAt: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    downloadExportPackage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description Partial Content: the bytes the Range header asked for */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            416: components["responses"]["Problem416"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listUnassignedEvidence: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            sha256: string;
                            sm3: string;
                            size: number;
                            originalPath: string;
                            originalName: string;
                            officerNo: string | null;
                            deviceSerial: string;
                            unitId: string | null;
                            recordedAt: string | null;
                            stationTime: string | null;
                            receivedAt: string;
                            clockSkewMs: number | null;
                            important: boolean;
                            state: string;
                            /** @enum {string} */
                            playbackState: "queued" | "processing" | "ready" | "unplayable" | "failed";
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    assignEvidenceUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "unitId": "3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f801234",
                 *       "reason": "记录仪已借给环保执法大队 recorder was lent to the environmental brigade"
                 *     }
                 */
                "application/json": {
                    /** Format: uuid */
                    unitId: string;
                    reason: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        sha256: string;
                        sm3: string;
                        size: number;
                        originalPath: string;
                        originalName: string;
                        officerNo: string | null;
                        deviceSerial: string;
                        unitId: string | null;
                        recordedAt: string | null;
                        stationTime: string | null;
                        receivedAt: string;
                        clockSkewMs: number | null;
                        important: boolean;
                        state: string;
                        /** @enum {string} */
                        playbackState: "queued" | "processing" | "ready" | "unplayable" | "failed";
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listUnits: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            code: string;
                            name: string;
                            /** @enum {string} */
                            kind: "agency" | "supervisor";
                            parentId: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createUnit: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "code": "HJ01",
                 *       "name": "生态环境执法大队 environmental enforcement brigade",
                 *       "kind": "agency"
                 *     }
                 */
                "application/json": {
                    code: string;
                    name: string;
                    /** @enum {string} */
                    kind?: "agency" | "supervisor";
                    /** Format: uuid */
                    parentId?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        code: string;
                        name: string;
                        /** @enum {string} */
                        kind: "agency" | "supervisor";
                        parentId: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listUsers: {
        parameters: {
            query?: {
                /** @description only accounts locked now */
                locked?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            username: string;
                            /** @enum {string} */
                            role: "handler" | "unit_head" | "overseer" | "auditor" | "complainant" | "admin" | "station";
                            unitId: string | null;
                            officerNo: string | null;
                            displayName: string | null;
                            oversees: string[];
                            failedLogins: number;
                            lockedUntil: string | null;
                            disabledAt: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "li.na",
                 *       "password": "a long passphrase",
                 *       "role": "handler",
                 *       "unitId": "3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f801234",
                 *       "officerNo": "310123",
                 *       "displayName": "李娜"
                 *     }
                 */
                "application/json": {
                    username: string;
                    password: string;
                    /** @enum {string} */
                    role: "handler" | "unit_head" | "overseer" | "auditor" | "complainant" | "admin" | "station";
                    /** Format: uuid */
                    unitId?: string;
                    officerNo?: string;
                    displayName?: string;
                    oversees?: string[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        username: string;
                        /** @enum {string} */
                        role: "handler" | "unit_head" | "overseer" | "auditor" | "complainant" | "admin" | "station";
                        unitId: string | null;
                        officerNo: string | null;
                        displayName: string | null;
                        oversees: string[];
                        /** @description files of this officer number that had no unit and were given the account's unit by this change */
                        attributedFootage: number;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    unlockUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        username: string;
                        /** @enum {string} */
                        role: "handler" | "unit_head" | "overseer" | "auditor" | "complainant" | "admin" | "station";
                        unitId: string | null;
                        officerNo: string | null;
                        displayName: string | null;
                        oversees: string[];
                        failedLogins: number;
                        lockedUntil: string | null;
                        disabledAt: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    displayName?: string | null;
                    /** Format: uuid */
                    unitId?: string | null;
                    officerNo?: string | null;
                    disabled?: boolean;
                    oversees?: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        username: string;
                        /** @enum {string} */
                        role: "handler" | "unit_head" | "overseer" | "auditor" | "complainant" | "admin" | "station";
                        unitId: string | null;
                        officerNo: string | null;
                        displayName: string | null;
                        oversees: string[];
                        failedLogins: number;
                        lockedUntil: string | null;
                        disabledAt: string | null;
                        /** @description files of this officer number that had no unit and were given the account's unit by this change */
                        attributedFootage: number;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    resetUserPassword: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "password": "a new long passphrase"
                 *     }
                 */
                "application/json": {
                    password: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        username: string;
                        /** @enum {string} */
                        role: "handler" | "unit_head" | "overseer" | "auditor" | "complainant" | "admin" | "station";
                        unitId: string | null;
                        officerNo: string | null;
                        displayName: string | null;
                        oversees: string[];
                        failedLogins: number;
                        lockedUntil: string | null;
                        disabledAt: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listRecorders: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            serial: string;
                            vidPid: string | null;
                            officerNo: string | null;
                            officerName: string | null;
                            unitId: string | null;
                            lastDockedAt: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    bindRecorder: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "serial": "DSJ-A8-0042",
                 *       "vidPid": "2e8a:000a",
                 *       "officerNo": "310123"
                 *     }
                 */
                "application/json": {
                    serial: string;
                    vidPid?: string;
                    officerNo: string | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        serial: string;
                        officerNo: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    bindStationUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "unitId": "3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f801234"
                 *     }
                 */
                "application/json": {
                    /** Format: uuid */
                    unitId: string | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        code: string;
                        name: string;
                        unitId: string | null;
                        lastSeenAt: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            /** @enum {string} */
                            role: "handler" | "unit_head" | "overseer" | "auditor" | "complainant" | "admin" | "station";
                            userId: string | null;
                            userName: string | null;
                            scopes: string[];
                            createdAt: string;
                            lastUsedAt: string | null;
                            revokedAt: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "执法办案平台 case system",
                 *       "role": "handler",
                 *       "userId": "9b2d4e6f-1a3c-4e5f-8a7b-0c1d2e3f4a5b",
                 *       "scopes": [
                 *         "cases",
                 *         "evidence"
                 *       ]
                 *     }
                 */
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    role: "handler" | "unit_head" | "overseer" | "auditor" | "complainant" | "admin" | "station";
                    /** Format: uuid */
                    userId?: string;
                    scopes?: ("ingest" | "evidence" | "cases" | "audit" | "admin")[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        token: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            url: string;
                            events: string[];
                            createdAt: string;
                            /** @description the account or token that made it: the webhook sees what it may see */
                            createdBy: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "url": "https://cases.example.gov.cn/hooks/evidence",
                 *       "events": [
                 *         "evidence.verified",
                 *         "case.evidence_linked",
                 *         "export.ready"
                 *       ],
                 *       "secret": "a-long-random-secret-of-yours"
                 *     }
                 */
                "application/json": {
                    /** @description http or https */
                    url: string;
                    events: ("evidence.verified" | "evidence.playable" | "evidence.fixity_failed" | "evidence.disposed" | "case.created" | "case.updated" | "case.stage_changed" | "case.evidence_linked" | "case.evidence_unlinked" | "export.ready" | "reminder.issued" | "reminder.responded" | "reminder.returned" | "reminder.closed")[];
                    /** @description at least 16 characters; signs every delivery */
                    secret: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        url: string;
                        events: string[];
                        createdAt: string;
                        /** @description the account or token that made it: the webhook sees what it may see */
                        createdBy: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            /** @description also sent as X-Evidence-Delivery */
                            eventId: string;
                            type: string;
                            /** @enum {string} */
                            state: "pending" | "delivered" | "failed";
                            attempts: number;
                            createdAt: string;
                            lastAttemptAt: string | null;
                            /** @description while pending: when it is tried next */
                            nextAttemptAt: string | null;
                            /** @description the receiver's last HTTP status */
                            lastStatus: number | null;
                            lastError: string | null;
                            deliveredAt: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listEvents: {
        parameters: {
            query?: {
                after?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description the event id (the X-Evidence-Delivery of its webhook deliveries) */
                            id: string;
                            type: string;
                            occurredAt: string;
                            data: {
                                [key: string]: unknown;
                            };
                        }[];
                        nextCursor: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getFixityStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        alarm: boolean;
                        lastRun: {
                            id: string;
                            /** @enum {string} */
                            trigger: "scheduled" | "manual";
                            requestedBy: string;
                            /** @enum {string} */
                            state: "running" | "finished" | "failed" | "interrupted";
                            startedAt: string;
                            finishedAt: string | null;
                            objectsChecked: number;
                            bytesChecked: number;
                            failures: number;
                            error: string | null;
                        } | null;
                        failures: {
                            evidenceId: string;
                            object: string;
                            name: string | null;
                            state: string;
                            checkedAt: string;
                            detail: string;
                        }[];
                        trails: {
                            chain: string;
                            ok: boolean;
                            checkedAt: string;
                            brokenAt: number | null;
                            reason: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    startFixityRun: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: the work is queued; its status is in the answer */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        trigger: "scheduled" | "manual";
                        requestedBy: string;
                        /** @enum {string} */
                        state: "running" | "finished" | "failed" | "interrupted";
                        startedAt: string;
                        finishedAt: string | null;
                        objectsChecked: number;
                        bytesChecked: number;
                        failures: number;
                        error: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getFixityRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        trigger: "scheduled" | "manual";
                        requestedBy: string;
                        /** @enum {string} */
                        state: "running" | "finished" | "failed" | "interrupted";
                        startedAt: string;
                        finishedAt: string | null;
                        objectsChecked: number;
                        bytesChecked: number;
                        failures: number;
                        error: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getStorageReport: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        asOf: string;
                        totals: {
                            originals: {
                                count: number;
                                bytes: number;
                            };
                            derivatives: {
                                count: number;
                                bytes: number;
                            };
                        };
                        byCategory: {
                            code: string;
                            category: string;
                            days: number | null;
                            originals: {
                                count: number;
                                bytes: number;
                            };
                            derivatives: {
                                count: number;
                                bytes: number;
                            };
                        }[];
                        byUnit: {
                            unitId: string | null;
                            unitName: string | null;
                            originals: {
                                count: number;
                                bytes: number;
                            };
                            derivatives: {
                                count: number;
                                bytes: number;
                            };
                        }[];
                        byMonth: {
                            month: string;
                            originals: {
                                count: number;
                                bytes: number;
                            };
                            derivatives: {
                                count: number;
                                bytes: number;
                            };
                        }[];
                        growth: {
                            days: number;
                            originals: {
                                count: number;
                                bytes: number;
                            };
                            derivatives: {
                                count: number;
                                bytes: number;
                            };
                        };
                        projection: {
                            days: number;
                            originalsBytes: number;
                            derivativesBytes: number;
                            bytes: number;
                        };
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listRetentionCategories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            code: string;
                            name: string;
                            days: number | null;
                            description: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createRetentionCategory: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "code": "traffic",
                 *       "name": "交通事故",
                 *       "days": 730,
                 *       "description": "交通事故处理记录"
                 *     }
                 */
                "application/json": {
                    code: string;
                    name: string;
                    days: (number) | null;
                    description?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        name: string;
                        days: number | null;
                        description: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    updateRetentionCategory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "days": 365,
                 *       "reason": "市局规定延长一般记录保存期"
                 *     }
                 */
                "application/json": {
                    name?: string;
                    days?: (number) | null;
                    description?: string;
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        name: string;
                        days: number | null;
                        description: string;
                    };
                };
            };
            /** @description Accepted: the work is queued; its status is in the answer */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        categoryCode: string;
                        previousDays: number | null;
                        days: number | null;
                        reason: string;
                        /** @enum {string} */
                        status: "pending" | "applied" | "cancelled";
                        requestedBy: string;
                        requestedAt: string;
                        approvedBy: string | null;
                        approvedAt: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listRetentionCategoryChanges: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            categoryCode: string;
                            previousDays: number | null;
                            days: number | null;
                            reason: string;
                            /** @enum {string} */
                            status: "pending" | "applied" | "cancelled";
                            requestedBy: string;
                            requestedAt: string;
                            approvedBy: string | null;
                            approvedAt: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    approveRetentionCategoryChange: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        categoryCode: string;
                        previousDays: number | null;
                        days: number | null;
                        reason: string;
                        /** @enum {string} */
                        status: "pending" | "applied" | "cancelled";
                        requestedBy: string;
                        requestedAt: string;
                        approvedBy: string | null;
                        approvedAt: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    updateUnitCaseRetention: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "caseRetentionDays": 3650,
                 *       "reason": "结案后保存十年"
                 *     }
                 */
                "application/json": {
                    caseRetentionDays: (number) | null;
                    reason: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        caseRetentionDays: number | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    setEvidenceCategory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "category": "enforcement-anomaly",
                 *       "reason": "当事人暴力抗法"
                 *     }
                 */
                "application/json": {
                    category: string;
                    reason: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        category: string;
                        expiresAt: string | null;
                        heldBy: string[];
                        reason: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listHolds: {
        parameters: {
            query?: {
                released?: boolean;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            evidenceId: string | null;
                            caseId: string | null;
                            unitId: string | null;
                            reason: string;
                            createdBy: string;
                            createdAt: string;
                            releasedAt: string | null;
                            releasedBy: string | null;
                            releaseReason: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createHold: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "evidenceId": "0b6d4f7e-2c1a-4e8a-9d55-3f0e8a1c2b7d",
                 *       "reason": "信访复查"
                 *     }
                 */
                "application/json": {
                    /** Format: uuid */
                    evidenceId?: string;
                    /** Format: uuid */
                    caseId?: string;
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        evidenceId: string | null;
                        caseId: string | null;
                        unitId: string | null;
                        reason: string;
                        createdBy: string;
                        createdAt: string;
                        releasedAt: string | null;
                        releasedBy: string | null;
                        releaseReason: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    releaseHold: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "reason": "复查结束"
                 *     }
                 */
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        evidenceId: string | null;
                        caseId: string | null;
                        unitId: string | null;
                        reason: string;
                        createdBy: string;
                        createdAt: string;
                        releasedAt: string | null;
                        releasedBy: string | null;
                        releaseReason: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listDueRecordings: {
        parameters: {
            query?: {
                asOf?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        asOf: string;
                        items: {
                            id: string;
                            category: string;
                            recordedAt: string;
                            size: number;
                        }[];
                        totals: {
                            count: number;
                            bytes: number;
                            byCategory: {
                                category: string;
                                count: number;
                                bytes: number;
                            }[];
                        };
                        nextCursor: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getExpiringRecordings: {
        parameters: {
            query?: {
                days?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        until: string;
                        items: {
                            id: string;
                            category: string;
                            recordedAt: string;
                            size: number;
                        }[];
                        totals: {
                            count: number;
                            bytes: number;
                            byCategory: {
                                category: string;
                                count: number;
                                bytes: number;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listDisposalRequests: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            asOf: string;
                            reason: string;
                            /** @enum {string} */
                            status: "pending" | "approved" | "running" | "done" | "cancelled";
                            requestedBy: string;
                            requestedAt: string;
                            approvedBy: string | null;
                            approvedAt: string | null;
                            runsAfter: string | null;
                            cancelledBy: string | null;
                            cancelledAt: string | null;
                            cancelReason: string | null;
                            finishedAt: string | null;
                            totals: {
                                count: number;
                                bytes: number;
                                disposed: number;
                                skipped: number;
                                failed: number;
                            };
                            skipped: {
                                evidenceId: string;
                                /** @enum {string} */
                                status: "skipped" | "failed";
                                detail: string;
                            }[];
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createDisposalRequest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "asOf": "2026-11-01T00:00:00+08:00",
                 *       "reason": "2026 年第四季度到期一般记录处置"
                 *     }
                 */
                "application/json": {
                    /** Format: date-time */
                    asOf: string;
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        asOf: string;
                        reason: string;
                        /** @enum {string} */
                        status: "pending" | "approved" | "running" | "done" | "cancelled";
                        requestedBy: string;
                        requestedAt: string;
                        approvedBy: string | null;
                        approvedAt: string | null;
                        runsAfter: string | null;
                        cancelledBy: string | null;
                        cancelledAt: string | null;
                        cancelReason: string | null;
                        finishedAt: string | null;
                        totals: {
                            count: number;
                            bytes: number;
                            disposed: number;
                            skipped: number;
                            failed: number;
                        };
                        skipped: {
                            evidenceId: string;
                            /** @enum {string} */
                            status: "skipped" | "failed";
                            detail: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getDisposalRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        asOf: string;
                        reason: string;
                        /** @enum {string} */
                        status: "pending" | "approved" | "running" | "done" | "cancelled";
                        requestedBy: string;
                        requestedAt: string;
                        approvedBy: string | null;
                        approvedAt: string | null;
                        runsAfter: string | null;
                        cancelledBy: string | null;
                        cancelledAt: string | null;
                        cancelReason: string | null;
                        finishedAt: string | null;
                        totals: {
                            count: number;
                            bytes: number;
                            disposed: number;
                            skipped: number;
                            failed: number;
                        };
                        skipped: {
                            evidenceId: string;
                            /** @enum {string} */
                            status: "skipped" | "failed";
                            detail: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    approveDisposalRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        asOf: string;
                        reason: string;
                        /** @enum {string} */
                        status: "pending" | "approved" | "running" | "done" | "cancelled";
                        requestedBy: string;
                        requestedAt: string;
                        approvedBy: string | null;
                        approvedAt: string | null;
                        runsAfter: string | null;
                        cancelledBy: string | null;
                        cancelledAt: string | null;
                        cancelReason: string | null;
                        finishedAt: string | null;
                        totals: {
                            count: number;
                            bytes: number;
                            disposed: number;
                            skipped: number;
                            failed: number;
                        };
                        skipped: {
                            evidenceId: string;
                            /** @enum {string} */
                            status: "skipped" | "failed";
                            detail: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    cancelDisposalRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "reason": "部分记录需复查"
                 *     }
                 */
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        asOf: string;
                        reason: string;
                        /** @enum {string} */
                        status: "pending" | "approved" | "running" | "done" | "cancelled";
                        requestedBy: string;
                        requestedAt: string;
                        approvedBy: string | null;
                        approvedAt: string | null;
                        runsAfter: string | null;
                        cancelledBy: string | null;
                        cancelledAt: string | null;
                        cancelReason: string | null;
                        finishedAt: string | null;
                        totals: {
                            count: number;
                            bytes: number;
                            disposed: number;
                            skipped: number;
                            failed: number;
                        };
                        skipped: {
                            evidenceId: string;
                            /** @enum {string} */
                            status: "skipped" | "failed";
                            detail: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listReviewRubrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            version: number;
                            isDefault: boolean;
                            items: {
                                /** @description stable within the rubric: scores name their item by it */
                                key: string;
                                label: string;
                                description?: string;
                            }[];
                            updatedBy: string;
                            updatedAt: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createReviewRubric: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "现场执法记录评查",
                 *       "items": [
                 *         {
                 *           "key": "identity",
                 *           "label": "表明身份"
                 *         },
                 *         {
                 *           "key": "notice",
                 *           "label": "告知录音录像"
                 *         },
                 *         {
                 *           "key": "seizure",
                 *           "label": "扣押物品逐一拍摄",
                 *           "description": "扣押清单上的每件物品都有画面"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    name: string;
                    items: {
                        /** @description stable within the rubric: scores name their item by it */
                        key: string;
                        label: string;
                        description?: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        version: number;
                        isDefault: boolean;
                        items: {
                            /** @description stable within the rubric: scores name their item by it */
                            key: string;
                            label: string;
                            description?: string;
                        }[];
                        updatedBy: string;
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    updateReviewRubric: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "现场执法记录评查",
                 *       "items": [
                 *         {
                 *           "key": "identity",
                 *           "label": "表明身份"
                 *         },
                 *         {
                 *           "key": "notice",
                 *           "label": "告知录音录像"
                 *         },
                 *         {
                 *           "key": "seizure",
                 *           "label": "扣押物品逐一拍摄",
                 *           "description": "扣押清单上的每件物品都有画面"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    name: string;
                    items: {
                        /** @description stable within the rubric: scores name their item by it */
                        key: string;
                        label: string;
                        description?: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        version: number;
                        isDefault: boolean;
                        items: {
                            /** @description stable within the rubric: scores name their item by it */
                            key: string;
                            label: string;
                            description?: string;
                        }[];
                        updatedBy: string;
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listReviews: {
        parameters: {
            query?: {
                unitId?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            unitId: string;
                            unitName: string;
                            from: string;
                            to: string;
                            size: number;
                            /** @description repeats the draw: the same seed over the same recordings (same populationDigest) gives the same sample */
                            seed: string;
                            /** @description recordings of the unit recorded in the period when the sample was drawn */
                            population: number;
                            /** @description SHA-256 over the ids of those recordings, sorted, one per line */
                            populationDigest: string;
                            rubric: {
                                id: string;
                                name: string;
                                version: number;
                                items: {
                                    /** @description stable within the rubric: scores name their item by it */
                                    key: string;
                                    label: string;
                                    description?: string;
                                }[];
                            };
                            createdBy: string;
                            createdAt: string;
                            /** @description the display name of who drew it, as people know them */
                            createdByName: string | null;
                            createdByOfficerNo: string | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createReview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "unitId": "3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f801234",
                 *       "from": "2026-07-01T00:00:00+08:00",
                 *       "to": "2026-10-01T00:00:00+08:00",
                 *       "size": 20,
                 *       "rubricId": "9b2e4c1a-0d3f-4e5a-8b7c-6d5e4f3a2b10"
                 *     }
                 */
                "application/json": {
                    /** Format: uuid */
                    unitId: string;
                    /** Format: date-time */
                    from: string;
                    /** Format: date-time */
                    to: string;
                    size: number;
                    /** Format: uuid */
                    rubricId?: string;
                    seed?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        unitId: string;
                        unitName: string;
                        from: string;
                        to: string;
                        size: number;
                        /** @description repeats the draw: the same seed over the same recordings (same populationDigest) gives the same sample */
                        seed: string;
                        /** @description recordings of the unit recorded in the period when the sample was drawn */
                        population: number;
                        /** @description SHA-256 over the ids of those recordings, sorted, one per line */
                        populationDigest: string;
                        rubric: {
                            id: string;
                            name: string;
                            version: number;
                            items: {
                                /** @description stable within the rubric: scores name their item by it */
                                key: string;
                                label: string;
                                description?: string;
                            }[];
                        };
                        createdBy: string;
                        createdAt: string;
                        /** @description the display name of who drew it, as people know them */
                        createdByName: string | null;
                        createdByOfficerNo: string | null;
                        samples: {
                            evidenceId: string;
                            position: number;
                            officerNo: string | null;
                            recordedAt: string | null;
                            originalName: string;
                            scores: {
                                key: string;
                                label: string;
                                pass: boolean;
                                note: string;
                                bookmarkId: string | null;
                                bookmarkOffsetMs: number | null;
                                scoredBy: string;
                                scoredAt: string;
                                /** @description the display name of who scored it, as people know them */
                                scoredByName: string | null;
                                scoredByOfficerNo: string | null;
                            }[];
                        }[];
                        results: {
                            reviews: number;
                            sampled: number;
                            reviewed: number;
                            checks: number;
                            passed: number;
                            passRate: number | null;
                        };
                        officers: {
                            unitId: string;
                            officerNo: string | null;
                            officerName: string | null;
                            reviews: number;
                            sampled: number;
                            reviewed: number;
                            checks: number;
                            passed: number;
                            passRate: number | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getReviewResults: {
        parameters: {
            query: {
                unitId?: string;
                from: string;
                to: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        units: {
                            unitId: string;
                            unitName: string;
                            reviews: number;
                            sampled: number;
                            reviewed: number;
                            checks: number;
                            passed: number;
                            passRate: number | null;
                        }[];
                        officers: {
                            unitId: string;
                            officerNo: string | null;
                            officerName: string | null;
                            reviews: number;
                            sampled: number;
                            reviewed: number;
                            checks: number;
                            passed: number;
                            passRate: number | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getReview: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        unitId: string;
                        unitName: string;
                        from: string;
                        to: string;
                        size: number;
                        /** @description repeats the draw: the same seed over the same recordings (same populationDigest) gives the same sample */
                        seed: string;
                        /** @description recordings of the unit recorded in the period when the sample was drawn */
                        population: number;
                        /** @description SHA-256 over the ids of those recordings, sorted, one per line */
                        populationDigest: string;
                        rubric: {
                            id: string;
                            name: string;
                            version: number;
                            items: {
                                /** @description stable within the rubric: scores name their item by it */
                                key: string;
                                label: string;
                                description?: string;
                            }[];
                        };
                        createdBy: string;
                        createdAt: string;
                        /** @description the display name of who drew it, as people know them */
                        createdByName: string | null;
                        createdByOfficerNo: string | null;
                        samples: {
                            evidenceId: string;
                            position: number;
                            officerNo: string | null;
                            recordedAt: string | null;
                            originalName: string;
                            scores: {
                                key: string;
                                label: string;
                                pass: boolean;
                                note: string;
                                bookmarkId: string | null;
                                bookmarkOffsetMs: number | null;
                                scoredBy: string;
                                scoredAt: string;
                                /** @description the display name of who scored it, as people know them */
                                scoredByName: string | null;
                                scoredByOfficerNo: string | null;
                            }[];
                        }[];
                        results: {
                            reviews: number;
                            sampled: number;
                            reviewed: number;
                            checks: number;
                            passed: number;
                            passRate: number | null;
                        };
                        officers: {
                            unitId: string;
                            officerNo: string | null;
                            officerName: string | null;
                            reviews: number;
                            sampled: number;
                            reviewed: number;
                            checks: number;
                            passed: number;
                            passRate: number | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    scoreReviewSample: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                evidenceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "items": [
                 *         {
                 *           "key": "identity",
                 *           "pass": true
                 *         },
                 *         {
                 *           "key": "notice",
                 *           "pass": false,
                 *           "note": "未告知当事人正在录音录像",
                 *           "bookmarkOffsetMs": 12500
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    items: {
                        key: string;
                        pass: boolean;
                        note?: string;
                        bookmarkOffsetMs?: number;
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        evidenceId: string;
                        position: number;
                        officerNo: string | null;
                        recordedAt: string | null;
                        originalName: string;
                        scores: {
                            key: string;
                            label: string;
                            pass: boolean;
                            note: string;
                            bookmarkId: string | null;
                            bookmarkOffsetMs: number | null;
                            scoredBy: string;
                            scoredAt: string;
                            /** @description the display name of who scored it, as people know them */
                            scoredByName: string | null;
                            scoredByOfficerNo: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listReminders: {
        parameters: {
            query?: {
                unitId?: string;
                caseId?: string;
                evidenceId?: string;
                state?: "待回复" | "已回复" | "已办结" | "已退回" | "逾期";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            unitId: string;
                            unitName: string;
                            caseId: string | null;
                            caseNumber: string | null;
                            evidenceId: string | null;
                            evidenceName: string | null;
                            text: string;
                            dueAt: string;
                            /** @enum {string} */
                            state: "待回复" | "已回复" | "已办结" | "已退回" | "逾期";
                            issuedBy: string;
                            issuedByRole: string;
                            issuedByName: string | null;
                            issuedByOfficerNo: string | null;
                            createdAt: string;
                            updatedAt: string;
                            closedAt: string | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    createReminder: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "caseId": "7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6",
                 *       "text": "该案告知阶段缺少执法记录仪视频，请说明原因并补充相关材料。",
                 *       "dueAt": "2026-12-10T18:00:00+08:00"
                 *     }
                 */
                "application/json": {
                    /** Format: uuid */
                    caseId?: string;
                    /** Format: uuid */
                    evidenceId?: string;
                    /** Format: uuid */
                    unitId?: string;
                    text: string;
                    /** Format: date-time */
                    dueAt: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        unitId: string;
                        unitName: string;
                        caseId: string | null;
                        caseNumber: string | null;
                        evidenceId: string | null;
                        evidenceName: string | null;
                        text: string;
                        dueAt: string;
                        /** @enum {string} */
                        state: "待回复" | "已回复" | "已办结" | "已退回" | "逾期";
                        issuedBy: string;
                        issuedByRole: string;
                        issuedByName: string | null;
                        issuedByOfficerNo: string | null;
                        createdAt: string;
                        updatedAt: string;
                        closedAt: string | null;
                        steps: {
                            /** @enum {string} */
                            kind: "issued" | "responded" | "returned" | "closed";
                            text: string;
                            links: string[];
                            /** @description the due date set by this step (issuing, or returning with a new one) */
                            dueAt: string | null;
                            by: string;
                            role: string;
                            at: string;
                            /** @description the display name of who took the step, as people know them */
                            byName: string | null;
                            byOfficerNo: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getReminder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        unitId: string;
                        unitName: string;
                        caseId: string | null;
                        caseNumber: string | null;
                        evidenceId: string | null;
                        evidenceName: string | null;
                        text: string;
                        dueAt: string;
                        /** @enum {string} */
                        state: "待回复" | "已回复" | "已办结" | "已退回" | "逾期";
                        issuedBy: string;
                        issuedByRole: string;
                        issuedByName: string | null;
                        issuedByOfficerNo: string | null;
                        createdAt: string;
                        updatedAt: string;
                        closedAt: string | null;
                        steps: {
                            /** @enum {string} */
                            kind: "issued" | "responded" | "returned" | "closed";
                            text: string;
                            links: string[];
                            /** @description the due date set by this step (issuing, or returning with a new one) */
                            dueAt: string | null;
                            by: string;
                            role: string;
                            at: string;
                            /** @description the display name of who took the step, as people know them */
                            byName: string | null;
                            byOfficerNo: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    respondToReminder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "text": "已补充告知阶段视频，并对办案民警进行了批评教育。",
                 *       "links": [
                 *         "/api/evidence/5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"
                 *       ]
                 *     }
                 */
                "application/json": {
                    text: string;
                    links?: string[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        unitId: string;
                        unitName: string;
                        caseId: string | null;
                        caseNumber: string | null;
                        evidenceId: string | null;
                        evidenceName: string | null;
                        text: string;
                        dueAt: string;
                        /** @enum {string} */
                        state: "待回复" | "已回复" | "已办结" | "已退回" | "逾期";
                        issuedBy: string;
                        issuedByRole: string;
                        issuedByName: string | null;
                        issuedByOfficerNo: string | null;
                        createdAt: string;
                        updatedAt: string;
                        closedAt: string | null;
                        steps: {
                            /** @enum {string} */
                            kind: "issued" | "responded" | "returned" | "closed";
                            text: string;
                            links: string[];
                            /** @description the due date set by this step (issuing, or returning with a new one) */
                            dueAt: string | null;
                            by: string;
                            role: string;
                            at: string;
                            /** @description the display name of who took the step, as people know them */
                            byName: string | null;
                            byOfficerNo: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    returnReminder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "text": "说明不充分，请补充民警书面情况说明。",
                 *       "dueAt": "2026-12-17T18:00:00+08:00"
                 *     }
                 */
                "application/json": {
                    text: string;
                    /** Format: date-time */
                    dueAt?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        unitId: string;
                        unitName: string;
                        caseId: string | null;
                        caseNumber: string | null;
                        evidenceId: string | null;
                        evidenceName: string | null;
                        text: string;
                        dueAt: string;
                        /** @enum {string} */
                        state: "待回复" | "已回复" | "已办结" | "已退回" | "逾期";
                        issuedBy: string;
                        issuedByRole: string;
                        issuedByName: string | null;
                        issuedByOfficerNo: string | null;
                        createdAt: string;
                        updatedAt: string;
                        closedAt: string | null;
                        steps: {
                            /** @enum {string} */
                            kind: "issued" | "responded" | "returned" | "closed";
                            text: string;
                            links: string[];
                            /** @description the due date set by this step (issuing, or returning with a new one) */
                            dueAt: string | null;
                            by: string;
                            role: string;
                            at: string;
                            /** @description the display name of who took the step, as people know them */
                            byName: string | null;
                            byOfficerNo: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    closeReminder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "text": "整改到位，予以办结。"
                 *     }
                 */
                "application/json": {
                    text: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        unitId: string;
                        unitName: string;
                        caseId: string | null;
                        caseNumber: string | null;
                        evidenceId: string | null;
                        evidenceName: string | null;
                        text: string;
                        dueAt: string;
                        /** @enum {string} */
                        state: "待回复" | "已回复" | "已办结" | "已退回" | "逾期";
                        issuedBy: string;
                        issuedByRole: string;
                        issuedByName: string | null;
                        issuedByOfficerNo: string | null;
                        createdAt: string;
                        updatedAt: string;
                        closedAt: string | null;
                        steps: {
                            /** @enum {string} */
                            kind: "issued" | "responded" | "returned" | "closed";
                            text: string;
                            links: string[];
                            /** @description the due date set by this step (issuing, or returning with a new one) */
                            dueAt: string | null;
                            by: string;
                            role: string;
                            at: string;
                            /** @description the display name of who took the step, as people know them */
                            byName: string | null;
                            byOfficerNo: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getSupervisionSummary: {
        parameters: {
            query?: {
                from?: string;
                to?: string;
                unitId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        units: {
                            unitId: string;
                            name: string;
                            /** @description Recordings whose recorder time falls in the period. */
                            recordings: number;
                            /** @description Their total length in hours (recordings not yet probed count 0). */
                            hours: number;
                            bytes: number;
                            /** @description Fraction received within the on-time threshold of their end; null without recordings. */
                            onTimeRate: number | null;
                            /** @description Received more than the threshold (EVIDENCE_ONTIME_HOURS) after their end. */
                            late: number;
                            /** @description Linked to no case EVIDENCE_UNLINKED_DAYS after they were recorded. */
                            unlinked: number;
                            /** @description Recorders bound to officers of the unit not docked for more than 24 hours (now, whatever the period). */
                            overdueRecorders: number;
                            /** @description Recordings of the period drawn in a sample review (抽查) with at least one rubric item scored. */
                            reviewed: number;
                            /** @description Fraction of scored rubric items passed in those reviews; null before any is scored. */
                            reviewPassRate: number | null;
                            /** @description Cases opened in the period that reached a stage their unit's recording rule requires without footage linked at it. */
                            casesMissingFootage: number;
                        }[];
                        officers?: {
                            officerNo: string | null;
                            name: string | null;
                            /** @description Recordings whose recorder time falls in the period. */
                            recordings: number;
                            /** @description Their total length in hours (recordings not yet probed count 0). */
                            hours: number;
                            bytes: number;
                            /** @description Fraction received within the on-time threshold of their end; null without recordings. */
                            onTimeRate: number | null;
                            /** @description Received more than the threshold (EVIDENCE_ONTIME_HOURS) after their end. */
                            late: number;
                            /** @description Linked to no case EVIDENCE_UNLINKED_DAYS after they were recorded. */
                            unlinked: number;
                            /** @description Recorders bound to officers of the unit not docked for more than 24 hours (now, whatever the period). */
                            overdueRecorders: number;
                            /** @description Recordings of the period drawn in a sample review (抽查) with at least one rubric item scored. */
                            reviewed: number;
                            /** @description Fraction of scored rubric items passed in those reviews; null before any is scored. */
                            reviewPassRate: number | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    listSupervisionItems: {
        parameters: {
            query: {
                kind: "late" | "unlinked" | "casesMissingFootage" | "overdueRecorders" | "clockSkew";
                from?: string;
                to?: string;
                unitId?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description The recording, case or recorder. */
                            id: string;
                            unitId: string;
                            unitName: string;
                            officerNo: string | null;
                            officerName: string | null;
                            evidenceId?: string;
                            originalName?: string;
                            recordedAt?: string;
                            receivedAt?: string;
                            durationMs?: number | null;
                            /** @description Hours from the recording's end (on the server clock) to its receipt. */
                            delayHours?: number;
                            clockSkewMs?: number | null;
                            caseId?: string;
                            caseNumber?: string;
                            title?: string;
                            stage?: string;
                            createdAt?: string;
                            missingStages?: string[];
                            recorderSerial?: string;
                            lastDockedAt?: string | null;
                            hoursSinceDocked?: number | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getSupervisionReportXlsx: {
        parameters: {
            query?: {
                from?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    getSupervisionReportCsv: {
        parameters: {
            query?: {
                from?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
        };
    };
    openOffloadSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "station": {
                 *         "code": "PS-0101",
                 *         "name": "城关派出所 1号采集站"
                 *       },
                 *       "bay": 3,
                 *       "recorder": {
                 *         "serial": "DSJ0001",
                 *         "vidPid": "4255:1000",
                 *         "officerNo": "010203",
                 *         "clock": "2026-11-25T09:30:05+08:00"
                 *       },
                 *       "stationClock": "2026-11-25T09:30:00+08:00"
                 *     }
                 */
                "application/json": {
                    station: {
                        code: string;
                        name?: string;
                    };
                    bay: number;
                    recorder: {
                        serial: string;
                        vidPid?: string;
                        officerNo?: string;
                        /** Format: date-time */
                        clock?: string;
                    };
                    /** Format: date-time */
                    stationClock?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        sessionId: string;
                        clockSkewMs: number | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            413: components["responses"]["Problem413"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
            507: components["responses"]["Problem507"];
        };
    };
    closeOffloadSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            413: components["responses"]["Problem413"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
            507: components["responses"]["Problem507"];
        };
    };
    announceFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "pathBase64": "RENJTS8xMDBNRURJQS8yMDI2MTEyNV8wOTMwMDAuTVA0",
                 *       "size": 104857600,
                 *       "metadata": {
                 *         "officerNo": "010203",
                 *         "deviceSerial": "DSJ0001",
                 *         "recordedAt": "2026-11-25T01:30:00Z",
                 *         "stationTime": "2026-11-25T01:35:12Z",
                 *         "important": true
                 *       }
                 *     }
                 */
                "application/json": {
                    pathBase64: string;
                    size: number;
                    metadata?: {
                        officerNo?: string | null;
                        deviceSerial?: string | null;
                        /** Format: date-time */
                        recordedAt?: string | null;
                        /** Format: date-time */
                        stationTime?: string | null;
                        important?: boolean;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        uploadId: string;
                        offset: number;
                        size: number;
                        state: "receiving" | "verified" | "rejected";
                        evidenceId: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            413: components["responses"]["Problem413"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
            507: components["responses"]["Problem507"];
        };
    };
    getUploadStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        uploadId: string;
                        offset: number;
                        size: number;
                        state: "receiving" | "verified" | "rejected";
                        evidenceId: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            413: components["responses"]["Problem413"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
            507: components["responses"]["Problem507"];
        };
    };
    sendUploadBytes: {
        parameters: {
            query?: never;
            header: {
                "upload-offset": number;
                "content-type": "application/offset+octet-stream";
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        uploadId: string;
                        offset: number;
                        size: number;
                        state: "receiving" | "verified" | "rejected";
                        evidenceId: string | null;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            413: components["responses"]["Problem413"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
            507: components["responses"]["Problem507"];
        };
    };
    completeUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                 *       "sm3": "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
                 *     }
                 */
                "application/json": {
                    sha256: string;
                    sm3: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        evidenceId: string;
                        duplicate: boolean;
                        mayPurge: boolean;
                        sha256: string;
                        sm3: string;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            413: components["responses"]["Problem413"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
            507: components["responses"]["Problem507"];
        };
    };
    reportPurge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "at": "2026-11-25T01:40:00Z"
                 *     }
                 */
                "application/json": {
                    /** Format: date-time */
                    at?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        evidenceId: string;
                        recorded: boolean;
                    };
                };
            };
            400: components["responses"]["Problem400"];
            401: components["responses"]["Problem401"];
            403: components["responses"]["Problem403"];
            404: components["responses"]["Problem404"];
            409: components["responses"]["Problem409"];
            413: components["responses"]["Problem413"];
            422: components["responses"]["Problem422"];
            503: components["responses"]["Problem503"];
            507: components["responses"]["Problem507"];
        };
    };
}
