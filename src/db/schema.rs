// Written by hand to match migrations/{sqlite,postgres}: portable column types only.

diesel::table! {
    events (id) {
        id -> Text,
        slug -> Text,
        title -> Text,
        description -> Text,
        organiser_office -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        time_zone -> Text,
        published -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        seat_quota -> Nullable<Integer>,
        moderated -> Bool,
        registration_opens_at -> Nullable<Timestamp>,
        registration_closes_at -> Nullable<Timestamp>,
        contact -> Text,
        reminder_minutes -> Text,
        join_links_before_minutes -> Integer,
        seats_taken -> Integer,
        late_after_minutes -> Integer,
        left_early_minutes -> Integer,
        session_percent -> Integer,
        event_percent -> Integer,
        plan_due_at -> Nullable<Timestamp>,
        plan_late_accepted -> Bool,
        content_version -> BigInt,
    }
}

diesel::table! {
    registrations (id) {
        id -> Text,
        event_id -> Text,
        user_id -> Text,
        status -> Text,
        full_name -> Text,
        email -> Text,
        whatsapp -> Text,
        nip -> Nullable<Text>,
        institution -> Text,
        position -> Text,
        province_code -> Text,
        regency_code -> Text,
        library_type -> Text,
        gender -> Text,
        disability -> Nullable<Text>,
        consent_at -> Timestamp,
        address_confirmed_at -> Nullable<Timestamp>,
        queued_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        confirmation_hash -> Nullable<Text>,
        added_by -> Nullable<Text>,
        search_text -> Text,
    }
}

diesel::table! {
    event_questions (id) {
        id -> Text,
        event_id -> Text,
        position -> Integer,
        kind -> Text,
        label -> Text,
        choices -> Text,
        required -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    registration_answers (registration_id, question_id) {
        registration_id -> Text,
        question_id -> Text,
        answer -> Text,
    }
}

diesel::table! {
    imports (id) {
        id -> Text,
        event_id -> Text,
        created_by -> Text,
        filename -> Text,
        rows -> Text,
        created_at -> Timestamp,
        imported_at -> Nullable<Timestamp>,
        session_id -> Nullable<Text>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        payload -> Text,
        dedup_key -> Nullable<Text>,
        status -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        failing_since -> Nullable<Timestamp>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Nullable<Text>,
        is_admin -> Bool,
        is_organiser -> Bool,
        lang -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        session_generation -> Integer,
    }
}

diesel::table! {
    event_members (event_id, user_id, role) {
        event_id -> Text,
        user_id -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tokens (hash) {
        hash -> Text,
        purpose -> Text,
        user_id -> Nullable<Text>,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_failures (id) {
        id -> Text,
        scope -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        event_id -> Nullable<Text>,
        template -> Text,
        recipient -> Text,
        reply_to -> Nullable<Text>,
        subject -> Text,
        body_text -> Text,
        attachments -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_email -> Nullable<Text>,
        action -> Text,
        event_id -> Nullable<Text>,
        subject -> Nullable<Text>,
        address -> Nullable<Text>,
    }
}

diesel::table! {
    secrets (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    regions (code) {
        code -> Text,
        level -> Text,
        name -> Text,
        province_code -> Nullable<Text>,
        time_zone -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        event_id -> Text,
        title -> Text,
        description -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        jp_override -> Nullable<Integer>,
        mandatory -> Bool,
        delivery -> Text,
        join_link -> Nullable<Text>,
        location -> Nullable<Text>,
        zoom_host -> Nullable<Text>,
        speakers_are_alternative_hosts -> Bool,
        zoom_meeting_id -> Nullable<BigInt>,
        zoom_join_url -> Nullable<Text>,
        zoom_start_url -> Nullable<Text>,
        zoom_status -> Text,
        zoom_error -> Nullable<Text>,
        sequence -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    session_speakers (session_id, user_id) {
        session_id -> Text,
        user_id -> Text,
    }
}

diesel::joinable!(registrations -> events (event_id));
diesel::table! {
    session_registrants (session_id, registration_id) {
        session_id -> Text,
        registration_id -> Text,
        status -> Text,
        zoom_registrant_id -> Nullable<Text>,
        join_url -> Nullable<Text>,
        error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_feeds (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(session_registrants -> sessions (session_id));
diesel::joinable!(session_registrants -> registrations (registration_id));
diesel::joinable!(calendar_feeds -> users (user_id));
diesel::joinable!(sessions -> events (event_id));
diesel::joinable!(session_speakers -> sessions (session_id));
diesel::joinable!(session_speakers -> users (user_id));
diesel::joinable!(event_questions -> events (event_id));
diesel::joinable!(registration_answers -> registrations (registration_id));
diesel::joinable!(registration_answers -> event_questions (question_id));
diesel::joinable!(event_members -> events (event_id));
diesel::joinable!(event_members -> users (user_id));

diesel::table! {
    zoom_webhooks (id) {
        id -> Text,
        dedup_key -> Text,
        event -> Text,
        event_ts -> BigInt,
        body -> Text,
        received_at -> Timestamp,
        processed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    zoom_meeting_instances (session_id, meeting_uuid) {
        session_id -> Text,
        meeting_uuid -> Text,
        started_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        report_read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    attendance_rows (id) {
        id -> Text,
        session_id -> Text,
        source -> Text,
        dedup_key -> Text,
        meeting_uuid -> Nullable<Text>,
        import_id -> Nullable<Text>,
        identity -> Text,
        display_name -> Text,
        email -> Nullable<Text>,
        registrant_id -> Nullable<Text>,
        joined_at -> Nullable<Timestamp>,
        left_at -> Nullable<Timestamp>,
        minutes -> Nullable<Integer>,
        registration_id -> Nullable<Text>,
        matched_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    attendance_assignments (session_id, identity) {
        session_id -> Text,
        identity -> Text,
        registration_id -> Nullable<Text>,
        decided_by -> Text,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    attendance_excuses (session_id, registration_id) {
        session_id -> Text,
        registration_id -> Text,
        reason -> Text,
        decided_by -> Text,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    attendance_overrides (event_id, registration_id) {
        event_id -> Text,
        registration_id -> Text,
        passed -> Bool,
        reason -> Text,
        decided_by -> Text,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    checkin_windows (session_id) {
        session_id -> Text,
        code -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        opened_by -> Text,
    }
}

diesel::joinable!(zoom_meeting_instances -> sessions (session_id));
diesel::joinable!(attendance_rows -> sessions (session_id));
diesel::joinable!(attendance_rows -> registrations (registration_id));
diesel::joinable!(attendance_assignments -> sessions (session_id));
diesel::joinable!(attendance_excuses -> sessions (session_id));
diesel::joinable!(attendance_excuses -> registrations (registration_id));
diesel::joinable!(attendance_overrides -> events (event_id));
diesel::joinable!(attendance_overrides -> registrations (registration_id));
diesel::joinable!(checkin_windows -> sessions (session_id));

diesel::table! {
    action_plans (id) {
        id -> Text,
        registration_id -> Text,
        event_id -> Text,
        state -> Text,
        content -> Text,
        attachment_key -> Nullable<Text>,
        attachment_name -> Nullable<Text>,
        attachment_kind -> Nullable<Text>,
        version -> Integer,
        late -> Bool,
        reviewer_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    action_plan_versions (plan_id, version) {
        plan_id -> Text,
        version -> Integer,
        content -> Text,
        attachment_key -> Nullable<Text>,
        attachment_name -> Nullable<Text>,
        attachment_kind -> Nullable<Text>,
        late -> Bool,
        submitted_by -> Text,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    plan_follow_ups (id) {
        id -> Text,
        event_id -> Text,
        due_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    follow_up_reports (id) {
        id -> Text,
        follow_up_id -> Text,
        plan_id -> Text,
        content -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    follow_up_evidence (id) {
        id -> Text,
        report_id -> Text,
        file_key -> Text,
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    action_plan_reviews (plan_id, version) {
        plan_id -> Text,
        version -> Integer,
        decision -> Text,
        comments -> Text,
        reviewer_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    materials (id) {
        id -> Text,
        event_id -> Text,
        session_id -> Text,
        title -> Text,
        visibility -> Text,
        availability -> Text,
        link -> Nullable<Text>,
        hidden -> Bool,
        downloads -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    material_versions (material_id, version) {
        material_id -> Text,
        version -> Integer,
        file_key -> Text,
        name -> Text,
        kind -> Text,
        size -> BigInt,
        uploaded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    material_digests (material_id) {
        material_id -> Text,
        event_id -> Text,
        day -> Text,
        announced_at -> Timestamp,
    }
}

diesel::joinable!(materials -> sessions (session_id));
diesel::joinable!(material_versions -> materials (material_id));
diesel::joinable!(action_plans -> registrations (registration_id));
diesel::joinable!(follow_up_reports -> plan_follow_ups (follow_up_id));
diesel::joinable!(follow_up_reports -> action_plans (plan_id));
diesel::joinable!(follow_up_evidence -> follow_up_reports (report_id));
diesel::joinable!(action_plan_versions -> action_plans (plan_id));
diesel::joinable!(action_plan_reviews -> action_plans (plan_id));
diesel::joinable!(action_plan_reviews -> users (reviewer_id));

diesel::table! {
    certificate_types (event_id, kind) {
        event_id -> Text,
        kind -> Text,
        enabled -> Bool,
        number_pattern -> Text,
        next_number -> Integer,
        requirement -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    certificate_settings (event_id) {
        event_id -> Text,
        event_code -> Text,
        signing_place -> Text,
        signing_date -> Nullable<Text>,
        signatories -> Text,
        logo_key -> Nullable<Text>,
        background_key -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    certificates (id) {
        id -> Text,
        event_id -> Text,
        kind -> Text,
        registration_id -> Nullable<Text>,
        account_id -> Nullable<Text>,
        holder_name -> Text,
        holder_detail -> Nullable<Text>,
        jp -> Integer,
        sequence -> Integer,
        number -> Text,
        code -> Text,
        issued_at -> Timestamp,
        issued_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
        revoke_reason -> Nullable<Text>,
        replaced_by -> Nullable<Text>,
        unsigned_key -> Nullable<Text>,
        unsigned_sha256 -> Nullable<Text>,
        unsigned_len -> Nullable<BigInt>,
        signed_key -> Nullable<Text>,
        signed_at -> Nullable<Timestamp>,
        signer -> Nullable<Text>,
        mail_id -> Nullable<Text>,
        render_error -> Nullable<Text>,
    }
}

diesel::joinable!(certificate_types -> events (event_id));
diesel::joinable!(certificate_settings -> events (event_id));
diesel::joinable!(certificates -> events (event_id));
diesel::joinable!(certificates -> registrations (registration_id));

diesel::table! {
    speaker_profiles (user_id) {
        user_id -> Text,
        institution -> Text,
        position -> Text,
        bio -> Text,
        photo_key -> Nullable<Text>,
        photo_width -> Nullable<Integer>,
        photo_height -> Nullable<Integer>,
        time_zone -> Nullable<Text>,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(speaker_profiles -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    events,
    jobs,
    users,
    event_members,
    tokens,
    sign_in_failures,
    outbox,
    audit_log,
    secrets,
    regions,
    registrations,
    event_questions,
    registration_answers,
    imports,
    sessions,
    session_speakers,
    session_registrants,
    calendar_feeds,
    zoom_webhooks,
    zoom_meeting_instances,
    attendance_rows,
    attendance_assignments,
    attendance_excuses,
    attendance_overrides,
    checkin_windows,
    action_plans,
    action_plan_versions,
    plan_follow_ups,
    follow_up_reports,
    follow_up_evidence,
    action_plan_reviews,
    certificate_types,
    certificate_settings,
    certificates,
    materials,
    material_versions,
    speaker_profiles,
    material_digests,
);
