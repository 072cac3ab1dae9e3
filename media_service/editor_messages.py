"""Interface text of the editor's pages in Swedish and English (merged into ``i18n.MESSAGES``).

Keys starting with ``editor_js_`` also go to the pages' scripts as JSON.
"""

from __future__ import annotations

EDITOR_MESSAGES: dict[str, dict[str, str]] = {
    "editor": {"sv": "Redigering", "en": "Editing"},
    "editor_home": {"sv": "Redigera biblioteket", "en": "Edit the library"},
    "editor_navigation": {"sv": "Redigering", "en": "Editing"},
    "editor_account": {"sv": "Konto", "en": "Account"},
    "editor_login": {"sv": "Logga in", "en": "Log in"},
    "editor_logout": {"sv": "Logga ut", "en": "Log out"},
    "editor_signed_in_as": {"sv": "Inloggad som {name}", "en": "Signed in as {name}"},
    "editor_username": {"sv": "Användarnamn", "en": "Username"},
    "editor_password": {"sv": "Lösenord", "en": "Password"},
    "editor_login_intro": {
        "sv": "Inloggningen är för redaktörer. Tittare behöver inget konto.",
        "en": "Logging in is for editors. Viewers need no account.",
    },
    "editor_login_failed": {"sv": "Fel användarnamn eller lösenord.", "en": "Wrong username or password."},
    "editor_login_throttled": {
        "sv": "För många misslyckade försök. Försök igen om {minutes} minuter.",
        "en": "Too many failed attempts. Try again in {minutes} minutes.",
    },
    "editor_form_expired": {
        "sv": "Formuläret har gått ut. Försök igen.",
        "en": "The form has expired. Please try again.",
    },
    "editor_errors_heading": {"sv": "Rätta det här", "en": "Please fix this"},
    "editor_items": {"sv": "Objekt i biblioteket", "en": "Items in the library"},
    "editor_no_items": {"sv": "Biblioteket är tomt.", "en": "The library is empty."},
    "editor_new_item": {"sv": "Nytt objekt", "en": "New item"},
    "editor_kind": {"sv": "Typ", "en": "Kind"},
    "editor_title": {"sv": "Titel", "en": "Title"},
    "editor_description": {"sv": "Beskrivning", "en": "Description"},
    "editor_language": {"sv": "Språk som talas eller sjungs", "en": "Language spoken or sung"},
    "editor_language_hint": {
        "sv": "En språkkod, till exempel sv eller en.",
        "en": "A language code such as sv or en.",
    },
    "editor_create": {"sv": "Skapa", "en": "Create"},
    "editor_save": {"sv": "Spara", "en": "Save"},
    "editor_status": {"sv": "Status", "en": "Status"},
    # The accessibility summary (services/accessibility.py): the item list's filter and column,
    # the checklist on an item's page.
    "editor_a11y_filter": {"sv": "Tillgänglighet", "en": "Accessibility"},
    "editor_a11y_filter_all": {"sv": "Alla objekt", "en": "All items"},
    "editor_a11y_filter_not_aa": {"sv": "Uppfyller inte AA", "en": "Not AA"},
    "editor_a11y_filter_not_aaa": {"sv": "Uppfyller inte AAA", "en": "Not AAA"},
    "editor_a11y_filter_button": {"sv": "Visa", "en": "Show"},
    "editor_a11y_column": {"sv": "WCAG", "en": "WCAG"},
    "editor_a11y_meets": {"sv": "Uppfyller {level}", "en": "Meets {level}"},
    "editor_a11y_meets_none": {"sv": "Uppfyller inte A", "en": "Does not meet A"},
    "editor_a11y_none_missing": {
        "sv": "Alla objekt uppfyller den nivån.",
        "en": "Every item meets that level.",
    },
    "editor_a11y_heading": {"sv": "Tillgänglighet (WCAG 2.1)", "en": "Accessibility (WCAG 2.1)"},
    "editor_a11y_criterion": {"sv": "Kriterium", "en": "Criterion"},
    "editor_a11y_level": {"sv": "Nivå", "en": "Level"},
    "editor_a11y_status": {"sv": "Status", "en": "Status"},
    "editor_a11y_missing_for": {"sv": "Saknas för {level}:", "en": "Missing for {level}:"},
    "editor_draft": {"sv": "Utkast", "en": "Draft"},
    "editor_published": {"sv": "Publicerad", "en": "Published"},
    "editor_publish": {"sv": "Publicera", "en": "Publish"},
    "editor_unpublish": {"sv": "Avpublicera", "en": "Unpublish"},
    "editor_publishing": {"sv": "Publicering", "en": "Publishing"},
    "editor_draft_hint": {
        "sv": "Det här är ett utkast: bara redaktörer ser det.",
        "en": "This is a draft: only editors can see it.",
    },
    "editor_published_hint": {
        "sv": "Objektet är publicerat: alla kan se det.",
        "en": "The item is published: everyone can see it.",
    },
    "editor_delete": {"sv": "Ta bort", "en": "Delete"},
    "editor_delete_item": {"sv": "Ta bort {title}", "en": "Delete {title}"},
    "editor_delete_confirm": {
        "sv": "Vill du ta bort {title} med alla filer, textspår, tolkinspelningar och versioner? "
        "Det går inte att ångra.",
        "en": "Do you want to delete {title} with all its files, caption tracks, interpreter "
        "recordings and variants? This cannot be undone.",
    },
    "editor_delete_yes": {"sv": "Ja, ta bort", "en": "Yes, delete"},
    "editor_cancel": {"sv": "Avbryt", "en": "Cancel"},
    "editor_item_sections": {"sv": "Delar av objektet", "en": "Parts of the item"},
    "editor_tab_details": {"sv": "Uppgifter och fil", "en": "Details and file"},
    "editor_tab_captions": {"sv": "Textning", "en": "Captions"},
    "editor_tab_interpreter": {"sv": "Teckenspråkstolk", "en": "Sign language interpreter"},
    "editor_tab_variants": {"sv": "Versioner", "en": "Variants"},
    "editor_view_on_site": {"sv": "Visa på webbplatsen", "en": "View on the site"},
    "editor_back_to_items": {"sv": "Alla objekt", "en": "All items"},
    "editor_updated": {"sv": "Ändrad", "en": "Updated"},
    "editor_details": {"sv": "Uppgifter", "en": "Details"},
    "editor_file": {"sv": "Film- eller ljudfil", "en": "Film or song file"},
    "editor_file_current": {"sv": "Nuvarande fil", "en": "Current file"},
    "editor_file_none": {"sv": "Ingen fil än.", "en": "No file yet."},
    "editor_choose_file": {"sv": "Välj en fil", "en": "Choose a file"},
    "editor_file_hint": {
        "sv": "En video- eller ljudfil. Bryts anslutningen fortsätter uppladdningen där den slutade.",
        "en": "A video or audio file. If the connection drops, the upload continues where it stopped.",
    },
    "editor_upload": {"sv": "Ladda upp", "en": "Upload"},
    "editor_upload_needs_js": {
        "sv": "Uppladdning på den här sidan kräver JavaScript. Skript kan ladda upp med API:t (se /docs).",
        "en": "Uploading on this page needs JavaScript. Scripts can upload with the API (see /docs).",
    },
    "editor_upload_progress": {"sv": "Uppladdning", "en": "Upload progress"},
    "editor_js_uploading": {"sv": "Laddar upp: {percent} %", "en": "Uploading: {percent} %"},
    "editor_js_paused": {"sv": "Pausad vid {percent} %.", "en": "Paused at {percent} %."},
    "editor_js_resuming": {
        "sv": "Anslutningen bröts. Fortsätter från {percent} % …",
        "en": "The connection dropped. Resuming from {percent} % …",
    },
    "editor_js_processing": {
        "sv": "Filen är uppladdad. Kontrollerar den …",
        "en": "The file is uploaded. Checking it …",
    },
    "editor_js_upload_done": {"sv": "Klart: filen är sparad.", "en": "Done: the file is stored."},
    "editor_js_upload_failed": {
        "sv": "Uppladdningen misslyckades: {reason}",
        "en": "The upload failed: {reason}",
    },
    "editor_js_no_file": {"sv": "Välj en fil först.", "en": "Choose a file first."},
    "editor_js_pause": {"sv": "Pausa", "en": "Pause"},
    "editor_js_resume": {"sv": "Fortsätt", "en": "Resume"},
    # Captions.
    "editor_caption_tracks": {"sv": "Textspår", "en": "Caption tracks"},
    "editor_no_tracks": {"sv": "Inga textspår än.", "en": "No caption tracks yet."},
    "editor_cue_count": {"sv": "Textremsor", "en": "Cues"},
    "editor_cues": {"sv": "{count} textremsor", "en": "{count} cues"},
    "editor_caption_upload": {"sv": "Ladda upp textning", "en": "Upload captions"},
    "editor_caption_file": {"sv": "Textfil (WebVTT eller SRT)", "en": "Caption file (WebVTT or SRT)"},
    "editor_caption_file_hint": {
        "sv": "UTF-8. Ett spår med samma språk och sort ersätts.",
        "en": "UTF-8. A track of the same language and kind is replaced.",
    },
    "editor_caption_kind": {"sv": "Sort", "en": "Kind"},
    "editor_kind_captions": {"sv": "Textning", "en": "Captions"},
    "editor_kind_subtitles": {"sv": "Undertexter (översättning)", "en": "Subtitles (translation)"},
    "editor_kind_descriptions": {"sv": "Syntolkning som text", "en": "Descriptions"},
    "editor_kind_chapters": {"sv": "Kapitel", "en": "Chapters"},
    "editor_caption_label": {"sv": "Namn i menyn (valfritt)", "en": "Name in the menu (optional)"},
    "editor_report": {"sv": "Granskning av filen", "en": "Validation report"},
    "editor_report_error_line": {"sv": "Rad {line}: {message}", "en": "Line {line}: {message}"},
    "editor_report_not_stored": {
        "sv": "Filen sparades inte. Rätta felet och ladda upp den igen.",
        "en": "The file was not stored. Correct the error and upload it again.",
    },
    "editor_report_stored": {"sv": "Sparad: {count} textremsor.", "en": "Stored: {count} cues."},
    "editor_report_warnings": {"sv": "Varningar ({count})", "en": "Warnings ({count})"},
    "editor_report_no_warnings": {
        "sv": "Inga varningar: läshastighet, radlängd, antal rader, visningstid och överlapp ser bra ut.",
        "en": "No warnings: reading speed, line length, line count, duration and overlaps look fine.",
    },
    "editor_error_caption_file": {"sv": "Välj en textfil.", "en": "Choose a caption file."},
    "editor_error_caption_too_large": {
        "sv": "Textfilen är för stor: högst {megabytes} MB.",
        "en": "The caption file is too large: at most {megabytes} MB.",
    },
    # The interpreter.
    "editor_interpreter_upload": {
        "sv": "Ladda upp en tolkinspelning",
        "en": "Upload an interpreter recording",
    },
    "editor_interpreter_hint": {
        "sv": "En video av tolken, gärna mot grön eller blå bakgrund.",
        "en": "A video of the interpreter, preferably against a green or blue background.",
    },
    "editor_interpreter_none": {"sv": "Ingen tolkinspelning än.", "en": "No interpreter recording yet."},
    "editor_recording": {"sv": "Tolkinspelning: {name}", "en": "Interpreter recording: {name}"},
    "editor_layout": {"sv": "Placering", "en": "Placement"},
    "editor_corner": {"sv": "Hörn", "en": "Corner"},
    "editor_corner_top-left": {"sv": "uppe till vänster", "en": "top left"},
    "editor_corner_top-right": {"sv": "uppe till höger", "en": "top right"},
    "editor_corner_bottom-left": {"sv": "nere till vänster", "en": "bottom left"},
    "editor_corner_bottom-right": {"sv": "nere till höger", "en": "bottom right"},
    "editor_size": {"sv": "Storlek (andel av bildens höjd)", "en": "Size (share of the picture height)"},
    "editor_size_auto": {"sv": "Automatisk (rekommenderas)", "en": "Automatic (recommended)"},
    "editor_margin": {"sv": "Extra marginal", "en": "Extra margin"},
    "editor_key": {"sv": "Bakgrund att ta bort", "en": "Background to remove"},
    "editor_key_none": {"sv": "Ingen", "en": "None"},
    "editor_key_green": {"sv": "Grön", "en": "Green"},
    "editor_key_blue": {"sv": "Blå", "en": "Blue"},
    "editor_timing": {"sv": "Tid", "en": "Timing"},
    "editor_offset": {"sv": "Förskjutning i sekunder", "en": "Offset in seconds"},
    "editor_offset_hint": {
        "sv": "Positiv: tolken börjar senare. Negativ: början av inspelningen hoppas över.",
        "en": "Positive: the interpreter starts later. Negative: the start of the recording is skipped.",
    },
    "editor_save_layout": {"sv": "Spara placering och tid", "en": "Save placement and timing"},
    "editor_offset_suggest": {
        "sv": "Föreslå förskjutning från ljudet",
        "en": "Suggest the offset from the sound",
    },
    "editor_offset_suggest_hint": {
        "sv": "Om tolken spelades in medan filmen hördes jämför Tolk de två ljuden.",
        "en": "If the interpreter was recorded while the film could be heard, Tolk compares the two sounds.",
    },
    "editor_offset_suggested": {
        "sv": "Ljuden stämmer bäst överens vid {seconds} sekunder (säkerhet {confidence} %). "
        "Förslaget är ifyllt: spara för att använda det, eller ändra det först.",
        "en": "The sounds match best at {seconds} seconds (confidence {confidence} %). "
        "The suggestion is filled in: save to use it, or change it first.",
    },
    "editor_offset_unsure": {
        "sv": "Matchningen är osäker: kontrollera tiden med videorna nedan innan du sparar.",
        "en": "The match is uncertain: check the timing with the videos below before saving.",
    },
    "editor_preview": {"sv": "Förhandsvisning", "en": "Preview"},
    "editor_preview_alt": {
        "sv": "Förhandsvisning: tolken {corner} i filmen, med textningens område markerat.",
        "en": "Preview: the interpreter {corner} on the film, with the caption area outlined.",
    },
    "editor_preview_caption": {
        "sv": "Blå ram: tolken. Gul ram: där textningen hamnar.",
        "en": "Blue frame: the interpreter. Yellow frame: where the captions go.",
    },
    "editor_preview_needs_file": {
        "sv": "Ladda upp filmen för att se en förhandsvisning.",
        "en": "Upload the film to see a preview.",
    },
    "editor_js_preview_loading": {"sv": "Uppdaterar förhandsvisningen …", "en": "Updating the preview …"},
    "editor_js_preview_updated": {"sv": "Förhandsvisningen är uppdaterad.", "en": "The preview is updated."},
    "editor_check_timing": {"sv": "Kontrollera tiden", "en": "Check the timing"},
    "editor_check_timing_hint": {
        "sv": "Spela filmen: tolken följer med den förskjutning som står i formuläret.",
        "en": "Play the film: the interpreter follows with the offset in the form.",
    },
    "editor_film_video": {"sv": "Filmen", "en": "The film"},
    "editor_interpreter_video": {"sv": "Tolken", "en": "The interpreter"},
    "editor_window_heading": {"sv": "Teckenspråksfönstret", "en": "The sign language window"},
    "editor_window_ready": {
        "sv": "Inspelningen är klar för alla webbläsare: tittarna ser tolken i fönstret.",
        "en": "The recording is ready for every browser: viewers see the interpreter in the window.",
    },
    "editor_window_preparing": {
        "sv": "Inspelningen görs klar för webbläsarna. Fönstret visas för tittarna när det är klart.",
        "en": "The recording is being made ready for browsers. Viewers get the window when it is done.",
    },
    "editor_window_failed": {
        "sv": "Inspelningen kunde inte göras klar för webbläsarna, så tittarna ser inget fönster. "
        "Ladda upp den igen, gärna som MP4 eller MOV.",
        "en": "The recording could not be made ready for browsers, so viewers see no window. "
        "Upload it again, preferably as MP4 or MOV.",
    },
    "editor_window_missing": {
        "sv": "Inspelningen har ingen version för webbläsarna. Ladda upp den igen.",
        "en": "The recording has no version for browsers. Upload it again.",
    },
    "editor_window_jobs": {"sv": "Inspelningar som görs klara", "en": "Recordings being made ready"},
    "editor_window_job": {
        "sv": "{name} för teckenspråksfönstret",
        "en": "{name} for the sign language window",
    },
    "editor_delete_recording": {"sv": "Ta bort inspelningen", "en": "Delete the recording"},
    "editor_does_not_fit": {"sv": "Det här passar inte filmen:", "en": "This does not fit the film:"},
    # Variants.
    "editor_order": {"sv": "Beställ versioner", "en": "Order variants"},
    "editor_order_which": {"sv": "Vilka versioner?", "en": "Which variants?"},
    "editor_order_hint": {
        "sv": "Versionerna görs tillsammans, i en körning av ffmpeg.",
        "en": "The variants are made together, in one run of ffmpeg.",
    },
    "editor_variant_web": {"sv": "För webben", "en": "For the web"},
    "editor_variant_captioned": {"sv": "Med inbränd textning", "en": "With captions burned in"},
    "editor_variant_signed": {"sv": "Med tolken i bilden", "en": "With the interpreter in the picture"},
    "editor_variant_signed+captioned": {
        "sv": "Med tolken och textning i bilden",
        "en": "With the interpreter and captions in the picture",
    },
    "editor_variant_described": {
        "sv": "Med syntolkning i ljudet",
        "en": "With audio description in the sound",
    },
    "editor_variant_captioned+described": {
        "sv": "Med inbränd textning och syntolkning",
        "en": "With captions burned in and audio description",
    },
    "editor_variant_signed+described": {
        "sv": "Med tolken i bilden och syntolkning",
        "en": "With the interpreter in the picture and audio description",
    },
    "editor_variant_signed+captioned+described": {
        "sv": "Full tillgänglighet: tolk, textning och syntolkning",
        "en": "Full access: interpreter, captions and audio description",
    },
    "editor_variant_described+extended": {
        "sv": "Med utökad syntolkning (bilden står still när det behövs)",
        "en": "With extended audio description (the picture holds where needed)",
    },
    "editor_variant_needs_descriptions": {
        "sv": "Kräver ett syntolkningsspår.",
        "en": "Needs an audio description track.",
    },
    "editor_variant_needs_interpreter": {
        "sv": "Kräver en tolkinspelning.",
        "en": "Needs an interpreter recording.",
    },
    "editor_variant_needs_captions": {"sv": "Kräver ett textspår.", "en": "Needs a caption track."},
    "editor_variant_needs_file": {"sv": "Ladda upp filmen först.", "en": "Upload the film first."},
    "editor_order_button": {"sv": "Beställ", "en": "Order"},
    "editor_choose_kind": {"sv": "Välj minst en version.", "en": "Choose at least one variant."},
    "editor_jobs": {"sv": "Arbeten", "en": "Jobs"},
    "editor_no_jobs": {"sv": "Inga arbeten än.", "en": "No jobs yet."},
    "editor_job_progress": {"sv": "Förlopp: {kinds}", "en": "Progress: {kinds}"},
    "editor_refresh": {"sv": "Uppdatera sidan", "en": "Refresh the page"},
    "editor_variants_made": {"sv": "Färdiga versioner", "en": "Finished variants"},
    "editor_no_variants": {"sv": "Inga färdiga versioner än.", "en": "No finished variants yet."},
    "editor_js_state_queued": {"sv": "I kö", "en": "Queued"},
    "editor_js_state_running": {"sv": "Pågår", "en": "Running"},
    "editor_js_state_done": {"sv": "Klart", "en": "Done"},
    "editor_js_state_failed": {"sv": "Misslyckades", "en": "Failed"},
    "editor_js_state_cancelled": {"sv": "Avbrutet", "en": "Cancelled"},
    "editor_js_job_progress": {"sv": "{kinds}: {percent} %", "en": "{kinds}: {percent} %"},
    "editor_js_job_done": {"sv": "{kinds}: klart.", "en": "{kinds}: done."},
    "editor_js_job_failed": {"sv": "{kinds}: misslyckades. {error}", "en": "{kinds}: failed. {error}"},
    "editor_js_job_cancelled": {"sv": "{kinds}: avbrutet.", "en": "{kinds}: cancelled."},
    "editor_js_job_cancel": {"sv": "Avbryt", "en": "Cancel"},
    "editor_js_job_cancel_named": {"sv": "Avbryt {kinds}", "en": "Cancel {kinds}"},
    "editor_js_job_cancelling": {"sv": "{kinds}: avbryts …", "en": "{kinds}: cancelling …"},
    "editor_js_job_eta_seconds": {"sv": "cirka {count} s kvar", "en": "about {count} s left"},
    "editor_js_job_eta_minutes": {"sv": "cirka {count} min kvar", "en": "about {count} min left"},
    "editor_js_ordered": {"sv": "Beställt: {kinds}.", "en": "Ordered: {kinds}."},
    # API tokens.
    "editor_tokens": {"sv": "API-nycklar", "en": "API tokens"},
    "editor_tokens_intro": {
        "sv": "Nycklar låter skript använda API:t i ditt namn. En nyckel visas bara när den skapas.",
        "en": "Tokens let scripts use the API in your name. A token is shown only when it is made.",
    },
    "editor_token_name": {"sv": "Vad nyckeln är till för", "en": "What the token is for"},
    "editor_token_create": {"sv": "Skapa nyckel", "en": "Make a token"},
    "editor_token_new": {
        "sv": "Din nya nyckel. Kopiera den nu: den visas inte igen.",
        "en": "Your new token. Copy it now: it is not shown again.",
    },
    "editor_token_created": {"sv": "Skapad", "en": "Made"},
    "editor_token_last_used": {"sv": "Senast använd", "en": "Last used"},
    "editor_token_never": {"sv": "Aldrig", "en": "Never"},
    "editor_token_revoke": {"sv": "Återkalla {name}", "en": "Revoke {name}"},
    "editor_token_revoked": {"sv": "Återkallad", "en": "Revoked"},
    "editor_token_active": {"sv": "Giltig", "en": "Active"},
    "editor_no_tokens": {"sv": "Inga nycklar än.", "en": "No tokens yet."},
    "editor_error_token_name": {
        "sv": "Skriv vad nyckeln är till för, högst 100 tecken.",
        "en": "Say what the token is for, in at most 100 characters.",
    },
    # The audit log.
    "editor_audit": {"sv": "Ändringslogg", "en": "Audit log"},
    "editor_audit_when": {"sv": "När", "en": "When"},
    "editor_audit_who": {"sv": "Vem", "en": "Who"},
    "editor_audit_what": {"sv": "Vad", "en": "What"},
    "editor_audit_item": {"sv": "Objekt", "en": "Item"},
    "editor_audit_details": {"sv": "Detaljer", "en": "Details"},
    "editor_audit_empty": {"sv": "Inga ändringar än.", "en": "No changes yet."},
    "editor_audit_times": {"sv": "Tider i UTC.", "en": "Times in UTC."},
    "editor_name": {"sv": "Namn", "en": "Name"},
    "editor_actions": {"sv": "Åtgärder", "en": "Actions"},
    # Notices after a change (Post/Redirect/Get: ?notice=…).
    "editor_notice_created": {
        "sv": "Objektet är skapat. Ladda upp filmen eller sången.",
        "en": "The item is made. Upload its film or song.",
    },
    "editor_job_find_speech": {"sv": "Tal i filmen", "en": "Speech in the film"},
    "editor_notice_finding_speech": {
        "sv": "Tolk letar efter talet i filmen.",
        "en": "Tolk is finding the speech in the film.",
    },
    "editor_notice_saved": {"sv": "Ändringarna är sparade.", "en": "The changes are saved."},
    "editor_notice_published": {"sv": "Objektet är publicerat.", "en": "The item is published."},
    "editor_notice_unpublished": {
        "sv": "Objektet är avpublicerat: bara redaktörer ser det.",
        "en": "The item is unpublished: only editors can see it.",
    },
    "editor_notice_deleted": {"sv": "Objektet är borttaget.", "en": "The item is deleted."},
    "editor_notice_uploaded": {"sv": "Filen är sparad.", "en": "The file is stored."},
    "editor_notice_ordered": {"sv": "Versionerna är beställda.", "en": "The variants are ordered."},
    "editor_notice_track_deleted": {"sv": "Textspåret är borttaget.", "en": "The caption track is deleted."},
    "editor_notice_recording_deleted": {
        "sv": "Tolkinspelningen är borttagen.",
        "en": "The interpreter recording is deleted.",
    },
    "editor_notice_layout_saved": {
        "sv": "Placering och tid är sparade.",
        "en": "Placement and timing are saved.",
    },
    "editor_notice_token_revoked": {"sv": "Nyckeln är återkallad.", "en": "The token is revoked."},
    "editor_error_title": {"sv": "Skriv en titel.", "en": "Enter a title."},
    "editor_error_language": {
        "sv": "Skriv en språkkod som sv eller en.",
        "en": "Enter a language code such as sv or en.",
    },
    "editor_error_kind": {"sv": "Välj film eller sång.", "en": "Choose film or song."},
    "editor_error_description": {
        "sv": "Beskrivningen får ha högst 20 000 tecken.",
        "en": "The description may have at most 20,000 characters.",
    },
}

# The caption editor (web/editor/caption_editor.py, static/js/editor/caption-editor.js), its
# revisions, and variants made outdated by a change.
CAPTION_EDITOR_MESSAGES: dict[str, dict[str, str]] = {
    "editor_ce_edit": {"sv": "Redigera", "en": "Edit"},
    "editor_ce_title": {"sv": "Redigera textspåret {label}", "en": "Edit the caption track {label}"},
    "editor_ce_revision_info": {
        "sv": "Version {number}, sparad av {author} {when} (UTC).",
        "en": "Revision {number}, saved by {author} on {when} (UTC).",
    },
    "editor_ce_unknown_author": {"sv": "okänd", "en": "unknown"},
    "editor_ce_film": {"sv": "Filmen", "en": "The film"},
    "editor_ce_now_showing": {"sv": "Textremsan just nu", "en": "The cue shown now"},
    "editor_ce_cues": {"sv": "Textremsor ({count})", "en": "Cues ({count})"},
    "editor_ce_edit_cue": {"sv": "Den valda textremsan", "en": "The chosen cue"},
    "editor_ce_start": {"sv": "Start", "en": "Start"},
    "editor_ce_end": {"sv": "Slut", "en": "End"},
    "editor_ce_time_hint": {
        "sv": "Timmar:minuter:sekunder.millisekunder, till exempel 00:01:02.500.",
        "en": "Hours:minutes:seconds.milliseconds, for example 00:01:02.500.",
    },
    "editor_ce_text": {"sv": "Text", "en": "Text"},
    "editor_ce_timing": {"sv": "Tal och syntolkning", "en": "Speech and descriptions"},
    "editor_ce_speech_found": {
        "sv": "Ställen med tal i filmen: {count}. Syntolkningen hör hemma i pauserna mellan dem.",
        "en": "Stretches of speech in the film: {count}. Descriptions belong in the pauses between them.",
    },
    "editor_ce_speech_finding": {
        "sv": "Tolk letar efter talet i filmen. Ladda om sidan om en stund för att se det.",
        "en": "Tolk is finding the speech in the film. Reload the page in a while to see it.",
    },
    "editor_ce_speech_unknown": {
        "sv": "Tolk vet inte än var filmen har tal.",
        "en": "Tolk does not know yet where the film has speech.",
    },
    "editor_ce_speech_no_sound": {
        "sv": "Filmen har inget ljud, så syntolkningen krockar inte med något tal.",
        "en": "The film has no sound, so no description can clash with speech.",
    },
    "editor_ce_find_speech": {"sv": "Hitta talet i filmen", "en": "Find the speech in the film"},
    "editor_ce_legend_speech": {"sv": "Tal i filmen", "en": "Speech in the film"},
    "editor_ce_legend_descriptions": {"sv": "Syntolkning", "en": "Descriptions"},
    "editor_ce_pace": {
        "sv": "Varningarna räknar med att syntolkningen läses med {wpm} ord i minuten.",
        "en": "The warnings assume descriptions are read at {wpm} words a minute.",
    },
    "editor_ce_speech_list": {"sv": "Tal i filmen ({count})", "en": "Speech in the film ({count})"},
    "editor_ce_warnings": {"sv": "Varningar för textremsan", "en": "Warnings for the cue"},
    "editor_ce_split": {"sv": "Dela", "en": "Split"},
    "editor_ce_merge": {"sv": "Slå ihop med nästa", "en": "Merge with the next"},
    "editor_ce_insert": {"sv": "Ny efter", "en": "Insert after"},
    "editor_ce_delete_cue": {"sv": "Ta bort textremsan", "en": "Delete the cue"},
    "editor_ce_play": {"sv": "Spela textremsan", "en": "Play the cue"},
    "editor_ce_next_warning": {"sv": "Nästa varning", "en": "Next warning"},
    "editor_ce_shift": {"sv": "Förskjut tiderna", "en": "Shift the times"},
    "editor_ce_offset": {"sv": "Förskjutning i sekunder", "en": "Offset in seconds"},
    "editor_ce_offset_hint": {
        "sv": "Negativt för tidigare, till exempel -1,5.",
        "en": "Negative for earlier, for example -1.5.",
    },
    "editor_ce_scope_all": {"sv": "Alla textremsor", "en": "All cues"},
    "editor_ce_scope_range": {
        "sv": "Textremsorna från och med … till och med …",
        "en": "The cues from … to …",
    },
    "editor_ce_from": {"sv": "Från textremsa", "en": "From cue"},
    "editor_ce_to": {"sv": "Till textremsa", "en": "To cue"},
    "editor_ce_apply_shift": {"sv": "Förskjut", "en": "Shift"},
    "editor_ce_save": {"sv": "Spara en ny version", "en": "Save a new revision"},
    "editor_ce_shortcuts": {"sv": "Kortkommandon", "en": "Keyboard shortcuts"},
    "editor_ce_shortcuts_intro": {
        "sv": "Alla kommandon fungerar med tangentbordet, var du än står i redigeraren.",
        "en": "Every command works from the keyboard, wherever you are in the editor.",
    },
    "editor_ce_key": {"sv": "Tangenter", "en": "Keys"},
    "editor_ce_key_does": {"sv": "Gör", "en": "Does"},
    "editor_ce_key_list": {
        "sv": "I listan: välj föregående eller nästa, första eller sista textremsa; Enter redigerar texten",
        "en": "In the list: choose the previous or next, first or last cue; Enter edits its text",
    },
    "editor_ce_key_move": {"sv": "Föregående eller nästa textremsa", "en": "The previous or next cue"},
    "editor_ce_key_to_list": {"sv": "Gå till listan med textremsor", "en": "Go to the list of cues"},
    "editor_ce_key_split": {
        "sv": "Dela textremsan vid markören i texten",
        "en": "Split the cue at the cursor in its text",
    },
    "editor_ce_key_merge": {"sv": "Slå ihop med nästa textremsa", "en": "Merge with the next cue"},
    "editor_ce_key_insert": {"sv": "Ny textremsa efter den valda", "en": "A new cue after the chosen one"},
    "editor_ce_key_delete": {"sv": "Ta bort den valda textremsan", "en": "Delete the chosen cue"},
    "editor_ce_key_shift": {"sv": "Gå till förskjutningen av tider", "en": "Go to shifting the times"},
    "editor_ce_key_play": {"sv": "Spela den valda textremsan", "en": "Play the chosen cue"},
    "editor_ce_key_warning": {"sv": "Gå till nästa varning", "en": "Go to the next warning"},
    "editor_ce_key_save": {"sv": "Spara en ny version", "en": "Save a new revision"},
    "editor_ce_revisions": {"sv": "Versioner av textspåret", "en": "Revisions of the track"},
    "editor_ce_rev_number": {"sv": "Version", "en": "Revision"},
    "editor_ce_rev_when": {"sv": "Sparad (UTC)", "en": "Saved (UTC)"},
    "editor_ce_rev_who": {"sv": "Av", "en": "By"},
    "editor_ce_rev_how": {"sv": "Hur", "en": "How"},
    "editor_ce_origin_speech": {"sv": "Igenkänt från talet", "en": "Recognised from the speech"},
    "editor_ce_origin_align": {"sv": "Text tidsatt efter talet", "en": "Text timed to the speech"},
    "editor_ce_origin_upload": {"sv": "Uppladdad fil", "en": "Uploaded file"},
    "editor_ce_origin_editor": {"sv": "Redigerad", "en": "Edited"},
    "editor_ce_origin_restore": {
        "sv": "Återställd från version {number}",
        "en": "Restored from revision {number}",
    },
    "editor_ce_current": {"sv": "Aktuell", "en": "Current"},
    "editor_ce_restore": {"sv": "Återställ", "en": "Restore"},
    "editor_ce_restore_revision": {"sv": "version {number}", "en": "revision {number}"},
    "editor_ce_compare": {"sv": "Ändringar", "en": "Changes"},
    "editor_ce_download": {"sv": "Ladda ner {format}", "en": "Download {format}"},
    "editor_ce_diff_title": {
        "sv": "Ändringar i version {number} jämfört med version {against}",
        "en": "Changes in revision {number} compared with revision {against}",
    },
    "editor_ce_diff_first": {
        "sv": "Version {number} är den första: alla textremsor är nya.",
        "en": "Revision {number} is the first: every cue is new.",
    },
    "editor_ce_diff_none": {"sv": "Inga textremsor ändrades.", "en": "No cue changed."},
    "editor_ce_change": {"sv": "Ändring", "en": "Change"},
    "editor_ce_change_added": {"sv": "Ny", "en": "Added"},
    "editor_ce_change_removed": {"sv": "Borttagen", "en": "Removed"},
    "editor_ce_change_changed": {"sv": "Ändrad", "en": "Changed"},
    "editor_ce_before": {"sv": "Före", "en": "Before"},
    "editor_ce_after": {"sv": "Efter", "en": "After"},
    "editor_ce_back": {"sv": "Tillbaka till redigeringen", "en": "Back to editing"},
    "editor_notice_revision_saved": {
        "sv": "En ny version av textningen är sparad.",
        "en": "A new revision of the captions is saved.",
    },
    "editor_notice_revision_restored": {
        "sv": "Versionen är återställd som en ny version.",
        "en": "The revision is restored as a new revision.",
    },
    "editor_outdated": {"sv": "Inaktuell", "en": "Outdated"},
    "editor_outdated_captions": {
        "sv": "Gjord med en äldre version av textningen.",
        "en": "Made with an older revision of the captions.",
    },
    "editor_outdated_interpreter": {
        "sv": "Tolkinspelningen den visar finns inte längre.",
        "en": "The interpreter recording it shows is gone.",
    },
    "editor_outdated_layout": {
        "sv": "Tolken har placerats eller tidsatts om sedan dess.",
        "en": "The interpreter has been placed or timed otherwise since.",
    },
    "editor_outdated_served": {
        "sv": "Den visas tills en ny är klar.",
        "en": "It is served until a new one is made.",
    },
    "editor_js_ce_cue": {"sv": "Textremsa {number}", "en": "Cue {number}"},
    "editor_js_ce_warning_count": {"sv": "{count} varningar", "en": "{count} warnings"},
    "editor_js_ce_no_warnings": {"sv": "Inga varningar.", "en": "No warnings."},
    "editor_js_ce_word_low_confidence": {
        "sv": "”{word}” hördes osäkert: kontrollera ordet mot ljudet.",
        "en": "“{word}” was heard with low confidence: check the word against the sound.",
    },
    "editor_js_ce_word_unplaced": {
        "sv": "”{word}” kunde inte placeras i talet: dess tid är uppskattad.",
        "en": "“{word}” could not be placed in the speech: its time is estimated.",
    },
    "editor_js_ce_reading_speed": {
        "sv": "{speed} tecken per sekund; högst {max} hinner tittarna läsa.",
        "en": "{speed} characters per second; at most {max} lets viewers keep up.",
    },
    "editor_js_ce_line_too_long": {
        "sv": "En rad har {length} tecken; håll raderna inom {max}.",
        "en": "A line has {length} characters; keep lines to {max}.",
    },
    "editor_js_ce_too_many_lines": {
        "sv": "{lines} rader; använd högst {max}.",
        "en": "{lines} lines; use at most {max}.",
    },
    "editor_js_ce_too_short": {
        "sv": "Visas i {seconds} s; visa varje textremsa minst {min} s.",
        "en": "Shown for {seconds} s; show each cue at least {min} s.",
    },
    "editor_js_ce_overlap": {
        "sv": "Börjar innan textremsa {other} slutar; överlappande text är svår att följa.",
        "en": "Starts before cue {other} ends; overlapping captions are hard to follow.",
    },
    "editor_js_ce_short_gap": {
        "sv": "Börjar {gap} ms efter att textremsa {other} slutar: texten blinkar.",
        "en": "Starts {gap} ms after cue {other} ends: the captions flicker.",
    },
    "editor_js_ce_overlaps_speech": {
        "sv": "Överlappar tal i filmen ({from}–{to}); syntolkningen hör hemma i en paus.",
        "en": "Overlaps speech in the film ({from}–{to}); a description belongs in a pause.",
    },
    "editor_js_ce_longer_than_gap": {
        "sv": "Tar ungefär {needed} s att läsa i {wpm} ord i minuten, men pausen är {available} s.",
        "en": "Takes about {needed} s to say at {wpm} words a minute, but the pause lasts {available} s.",
    },
    "editor_js_ce_bad_times": {
        "sv": "Slutet måste komma efter starten.",
        "en": "The end must come after the start.",
    },
    "editor_js_ce_bad_time": {
        "sv": "Skriv tiden som 00:01:02.500.",
        "en": "Write the time as 00:01:02.500.",
    },
    "editor_js_ce_bad_offset": {
        "sv": "Skriv förskjutningen i sekunder, till exempel -1,5.",
        "en": "Write the offset in seconds, for example -1.5.",
    },
    "editor_js_ce_bad_range": {
        "sv": "Välj textremsor från 1 till {count}.",
        "en": "Choose cues from 1 to {count}.",
    },
    "editor_js_ce_shift_negative": {
        "sv": "Det skulle flytta en textremsa före filmens början.",
        "en": "That would move a cue before the start of the film.",
    },
    "editor_js_ce_split_done": {
        "sv": "Delad i textremsa {number} och {next}.",
        "en": "Split into cues {number} and {next}.",
    },
    "editor_js_ce_cannot_split": {
        "sv": "Textremsan är för kort för att delas.",
        "en": "The cue is too short to split.",
    },
    "editor_js_ce_merge_done": {
        "sv": "Sammanslagen till textremsa {number}.",
        "en": "Merged into cue {number}.",
    },
    "editor_js_ce_cannot_merge": {
        "sv": "Det finns ingen nästa textremsa att slå ihop med.",
        "en": "There is no next cue to merge with.",
    },
    "editor_js_ce_inserted": {"sv": "Ny textremsa {number}.", "en": "New cue {number}."},
    "editor_js_ce_deleted": {"sv": "Textremsan är borttagen.", "en": "The cue is deleted."},
    "editor_js_ce_cannot_delete": {
        "sv": "Ett textspår behöver minst en textremsa.",
        "en": "A track needs at least one cue.",
    },
    "editor_js_ce_shifted": {
        "sv": "{count} textremsor förskjutna {offset} s.",
        "en": "{count} cues shifted by {offset} s.",
    },
    "editor_js_ce_no_more_warnings": {"sv": "Inga fler varningar.", "en": "No more warnings."},
    "editor_js_ce_unsaved": {"sv": "Ändringar som inte är sparade.", "en": "Changes not saved yet."},
    "editor_js_ce_saving": {"sv": "Sparar …", "en": "Saving …"},
    "editor_js_ce_save_failed": {"sv": "Kunde inte spara: {error}", "en": "Could not save: {error}"},
    "editor_js_ce_fix_first": {
        "sv": "Rätta textremsa {number} först: {error}",
        "en": "Fix cue {number} first: {error}",
    },
}
EDITOR_MESSAGES.update(CAPTION_EDITOR_MESSAGES)

# The documents tab and the item's licence (open data).
EDITOR_MESSAGES.update(
    {
        "editor_tab_documents": {"sv": "Dokument", "en": "Documents"},
        "editor_documents": {"sv": "Dokument till objektet", "en": "Documents with this item"},
        "editor_no_documents": {"sv": "Inga dokument än.", "en": "No documents yet."},
        "editor_document_upload": {"sv": "Lägg till ett dokument", "en": "Add a document"},
        "editor_document_file": {"sv": "Dokument", "en": "Document"},
        "editor_document_file_hint": {
            "sv": "PDF, eller en presentation eller text som ODP, ODT, PPTX eller DOCX; "
            "högst {megabytes} MB. Dokumentet laddas alltid ner, det visas aldrig i webbläsaren.",
            "en": "PDF, or a presentation or text as ODP, ODT, PPTX or DOCX; at most {megabytes} MB. "
            "The document is always downloaded, never shown in the browser.",
        },
        "editor_document_title": {"sv": "Titel", "en": "Title"},
        "editor_document_format": {"sv": "Format", "en": "Format"},
        "editor_notice_document_added": {"sv": "Dokumentet är tillagt.", "en": "The document is added."},
        "editor_notice_document_deleted": {
            "sv": "Dokumentet är borttaget.",
            "en": "The document is removed.",
        },
        "editor_licence": {"sv": "Licens", "en": "Licence"},
        "editor_licence_hint": {
            "sv": "Visas på sidan och följer med i flöden och öppna data.",
            "en": "Shown on the page and carried in feeds and open data.",
        },
        "editor_error_licence": {
            "sv": "Välj en av licenserna i listan.",
            "en": "Choose one of the licences listed.",
        },
        # Captions from speech on the captions tab (web/editor/captions.py) and in the editor.
        "editor_speech_drafts": {"sv": "Utkast från tal", "en": "Drafts from speech"},
        "editor_speech_drafts_hint": {
            "sv": "Utkast visas aldrig för tittarna. Granska och rätta utkastet i textredigeraren "
            "och godkänn det sedan.",
            "en": "Drafts are never shown to viewers. Review and correct the draft in the caption "
            "editor, then approve it.",
        },
        "editor_speech_draft_badge": {
            "sv": "Utkast – visas inte för tittare",
            "en": "Draft – not shown to viewers",
        },
        "editor_speech_made_recognise": {"sv": "igenkänt från talet", "en": "recognised from the speech"},
        "editor_speech_made_align": {
            "sv": "din text tidsatt efter talet",
            "en": "your text timed to the speech",
        },
        "editor_speech_low_confidence": {
            "sv": "Ord som hördes osäkert: {count}. Kontrollera dem.",
            "en": "Words heard with low confidence: {count}. Check them.",
        },
        "editor_speech_unplaced": {
            "sv": "Ord i texten som inte kunde placeras: {count}. Deras tider är uppskattade.",
            "en": "Words of the text that could not be placed: {count}. Their times are estimated.",
        },
        "editor_speech_review": {"sv": "Granska och rätta", "en": "Review and correct"},
        "editor_speech_approve": {"sv": "Godkänn och visa för tittarna", "en": "Approve and show to viewers"},
        "editor_speech_no_drafts": {"sv": "Inga utkast.", "en": "No drafts."},
        "editor_speech_heading": {"sv": "Textning från tal", "en": "Captions from speech"},
        "editor_speech_intro": {
            "sv": "Tolk känner igen talet i filmen eller sången här på servern; inget skickas någon "
            "annanstans. Resultatet blir ett utkast.",
            "en": "Tolk recognises the speech in the film or song here on the server; nothing is sent "
            "anywhere else. The result is a draft.",
        },
        "editor_speech_mode": {"sv": "Vad ska göras?", "en": "What should be made?"},
        "editor_speech_mode_recognise": {"sv": "Känn igen talet", "en": "Recognise the speech"},
        "editor_speech_mode_recognise_hint": {
            "sv": "Ett utkast med orden som hörs.",
            "en": "A draft of the words heard.",
        },
        "editor_speech_mode_align": {"sv": "Tidsätt min text", "en": "Time my text"},
        "editor_speech_mode_align_hint": {
            "sv": "Din text (ett manus, en sångtext) med tider från talet; orden ändras inte.",
            "en": "Your text (a script, lyrics) with times from the speech; its words are not changed.",
        },
        "editor_speech_language": {"sv": "Talets språk", "en": "Language of the speech"},
        "editor_speech_language_hint": {
            "sv": "En språkkod, till exempel sv eller en. Tomt: objektets språk.",
            "en": "A language code such as sv or en. Empty: the item's language.",
        },
        "editor_speech_text": {"sv": "Text att tidsätta", "en": "Text to time"},
        "editor_speech_text_hint": {
            "sv": "Bara för ”Tidsätt min text”. Högst {limit} tecken.",
            "en": "Only for “Time my text”. At most {limit} characters.",
        },
        "editor_speech_text_file": {
            "sv": "Eller en textfil (UTF-8) i stället för texten ovan",
            "en": "Or a text file (UTF-8) instead of the text above",
        },
        "editor_speech_order": {"sv": "Beställ", "en": "Order"},
        "editor_speech_jobs": {"sv": "Arbeten med tal", "en": "Speech jobs"},
        "editor_speech_job_captions_from_speech": {"sv": "Igenkänt tal", "en": "Recognised speech"},
        "editor_speech_job_captions_aligned": {"sv": "Tidsatt text", "en": "Timed text"},
        "editor_js_speech_result": {
            "sv": "Ett utkast med {count} textremsor.",
            "en": "A draft of {count} cues.",
        },
        "editor_js_speech_no_speech": {
            "sv": "Inget tal hittades, så inget utkast gjordes.",
            "en": "No speech was found, so no draft was made.",
        },
        "editor_js_speech_review": {"sv": "Granska utkastet", "en": "Review the draft"},
        "editor_speech_choose_mode": {
            "sv": "Välj vad som ska göras: känna igen talet eller tidsätta din text.",
            "en": "Choose what to make: recognise the speech or time your text.",
        },
        "editor_speech_text_not_utf8": {
            "sv": "Textfilen är inte UTF-8-text. Spara den som UTF-8 eller klistra in texten.",
            "en": "The text file is not UTF-8 text. Save it as UTF-8 or paste the text.",
        },
        "editor_notice_speech_ordered": {
            "sv": "Beställt. Följ arbetet nedan; utkastet kommer här när det är klart.",
            "en": "Ordered. Follow the job below; the draft comes here when it is done.",
        },
        "editor_notice_draft_approved": {
            "sv": "Utkastet är godkänt: tittarna ser textningen nu.",
            "en": "The draft is approved: viewers now see the captions.",
        },
        "editor_ce_draft_banner": {
            "sv": "Det här är ett utkast från tal. Tittarna ser det inte förrän du godkänner det.",
            "en": "This is a draft made from speech. Viewers do not see it until you approve it.",
        },
        "editor_ce_words_to_check": {"sv": "Ord att kontrollera", "en": "Words to check"},
        "editor_ce_word_low_confidence": {
            "sv": "Textremsa {cue}, {time}: ”{word}” hördes osäkert",
            "en": "Cue {cue}, {time}: “{word}” was heard with low confidence",
        },
        "editor_ce_word_unplaced": {
            "sv": "Textremsa {cue}, {time}: ”{word}” kunde inte placeras (tiden är uppskattad)",
            "en": "Cue {cue}, {time}: “{word}” could not be placed (its time is estimated)",
        },
    }
)
