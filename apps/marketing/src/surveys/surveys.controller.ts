import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPage, ApiProblem, PageQueryDto, Public, RequirePermission } from '@crm/platform';
import { IdParams } from '../shared/dto';
import { AnswerDto, CreateSurveyDto, InviteDto, NpsQuery, TokenParams } from './dto/survey.dto';
import { InvitationsDto, NpsDto, PublicSurveyDto, SurveyAnsweredDto, SurveyViewDto } from './dto/survey-view.dto';
import { SurveysService } from './surveys.service';

@ApiTags('surveys')
@Controller()
export class SurveysController {
  constructor(private readonly surveys: SurveysService) {}

  @Post('surveys')
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Create a survey: questions (nps 0-10, rating 1-5, choice, text)' })
  @ApiCreatedResponse({ type: SurveyViewDto, description: 'The survey, version 1' })
  create(@Body() dto: CreateSurveyDto) {
    return this.surveys.create(dto);
  }

  @Get('surveys')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Surveys, newest first, keyset paged' })
  @ApiPage(SurveyViewDto)
  list(@Query() page: PageQueryDto) {
    return this.surveys.list(page);
  }

  @Get('surveys/:id')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'One survey' })
  @ApiOkResponse({ type: SurveyViewDto })
  get(@Param() { id }: IdParams) {
    return this.surveys.get(id);
  }

  @Post('surveys/:id/invitations')
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'An unguessable answer link per contact' })
  @ApiCreatedResponse({ type: InvitationsDto })
  invite(@Param() { id }: IdParams, @Body() dto: InviteDto) {
    return this.surveys.invite(id, dto.contactIds);
  }

  @Get('surveys/:id/nps')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'NPS (promoters minus detractors) of the survey, optionally of one segment' })
  @ApiOkResponse({ type: NpsDto })
  nps(@Param() { id }: IdParams, @Query() q: NpsQuery) {
    return this.surveys.nps(id, q.segmentId);
  }

  /** The survey behind a link, for its recipient (the link is the credential). */
  @Public()
  @Get('s/:token')
  @ApiOperation({ summary: 'The survey behind an answer link (no login: the unguessable link is the credential)' })
  @ApiOkResponse({ type: PublicSurveyDto })
  @ApiProblem(404, 'SURVEY_LINK_INVALID: no survey behind this link')
  show(@Param() { token }: TokenParams) {
    return this.surveys.forToken(token);
  }

  @Public()
  @Post('s/:token')
  @HttpCode(201)
  @ApiOperation({ summary: 'Answer the survey behind a link, once (no login); emits crm.marketing.survey.answered' })
  @ApiCreatedResponse({ type: SurveyAnsweredDto })
  @ApiProblem(404, 'SURVEY_LINK_INVALID: no survey behind this link')
  @ApiProblem(409, 'SURVEY_ALREADY_ANSWERED: a link takes one answer')
  answer(@Param() { token }: TokenParams, @Body() dto: AnswerDto) {
    return this.surveys.answer(token, dto.answers);
  }
}
